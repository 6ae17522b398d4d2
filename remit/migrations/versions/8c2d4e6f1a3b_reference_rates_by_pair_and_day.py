"""reference rates by pair and day

Revision ID: 8c2d4e6f1a3b
Revises: 3a1f0c5e2b7d
Create Date: 2026-12-01 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8c2d4e6f1a3b'
down_revision = '3a1f0c5e2b7d'
branch_labels = None
depends_on = None


def upgrade():
    # The latest rate of a pair is read from this index (the ECB's history holds 190,000 rates).
    with op.batch_alter_table('reference_rates', schema=None) as batch_op:
        batch_op.create_index('ix_reference_rates_pair_day', ['base_currency', 'quote_currency', 'as_of'], unique=False)


def downgrade():
    with op.batch_alter_table('reference_rates', schema=None) as batch_op:
        batch_op.drop_index('ix_reference_rates_pair_day')
