"""ledger keys tied to saved groups

Revision ID: 7f3a9d1e2b64
Revises: 5e9b2c7d4a10
Create Date: 2026-12-01 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3a9d1e2b64'
down_revision = '5e9b2c7d4a10'
branch_labels = None
depends_on = None


def upgrade():
    # Keys made before this reach every group, as they did.
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('all_groups', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        'api_key_groups',
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['bundle_groups.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['key_id'], ['api_keys.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key_id', 'group_id'))


def downgrade():
    op.drop_table('api_key_groups')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('all_groups')
