"""login failures per e-mail and address

Revision ID: 91e36c6a5630
Revises: d07f4957dc2e
Create Date: 2026-12-01 13:43:30.893068

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '91e36c6a5630'
down_revision = 'd07f4957dc2e'
branch_labels = None
depends_on = None


def upgrade():
    # Wrong passwords are counted per e-mail and address (a stranger can no longer lock an account);
    # the per-account counter and lock go.
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    sa.UniqueConstraint('email', 'address', name=op.f('uq_login_failures_email_address'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))

    op.drop_table('login_failures')
