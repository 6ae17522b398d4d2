"""illustrative fee tiers: a fee table's examples are flagged as data, not by their providers' names

Revision ID: a4e7c2d9b815
Revises: 7f3a9d1e2b64
Create Date: 2026-12-06 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e7c2d9b815'
down_revision = '7f3a9d1e2b64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fee_tiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('illustrative', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Before this column, the seed's illustrative table said so only in each row's note ("Illustrative,
    # not observed: modelled on …"): the tiers whose note begins so are flagged, as the seed now flags them.
    tiers = sa.table('fee_tiers', sa.column('illustrative', sa.Boolean()), sa.column('source', sa.Text()))
    op.execute(tiers.update().where(sa.func.lower(tiers.c.source).like('illustrative%'))
               .values(illustrative=sa.true()))


def downgrade():
    with op.batch_alter_table('fee_tiers', schema=None) as batch_op:
        batch_op.drop_column('illustrative')
