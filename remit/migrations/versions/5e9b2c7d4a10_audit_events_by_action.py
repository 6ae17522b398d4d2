"""audit events by action: the data version reads the last provider edit through an index

Revision ID: 5e9b2c7d4a10
Revises: 8c2d4e6f1a3b
Create Date: 2026-12-01 19:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e9b2c7d4a10'
down_revision = '8c2d4e6f1a3b'
branch_labels = None
depends_on = None


def upgrade():
    # Read on every request (services/versions.py); without it, a scan of the whole audit log.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action_id', ['action', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_id')
