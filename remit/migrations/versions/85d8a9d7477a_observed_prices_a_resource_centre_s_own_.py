"""observed prices: a resource centre's own survey, and who may record it

Revision ID: 85d8a9d7477a
Revises: a4e7c2d9b815
Create Date: 2026-12-06 18:30:34.862269

Observations of a round (a corridor and a month): what a provider asked for one transfer on one day,
recorded submitted and approved or rejected by an administrator; a correction supersedes, never edits.
A login may record them when it is a collector (administrators always may).

"""
from alembic import op
import sqlalchemy as sa

# As the initial schema stores money: exact NUMERIC on PostgreSQL, its decimal text on SQLite.
MONEY = sa.Numeric(18, 4).with_variant(sa.String(20), "sqlite")
RATE = sa.Numeric(24, 10).with_variant(sa.String(26), "sqlite")


# revision identifiers, used by Alembic.
revision = '85d8a9d7477a'
down_revision = 'a4e7c2d9b815'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('price_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corridor_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('collector', sa.String(length=120), nullable=False),
    sa.Column('provider_name', sa.String(length=200), nullable=False),
    sa.Column('provider_type', sa.String(length=20), nullable=True),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('send_currency', sa.String(length=3), nullable=False),
    sa.Column('receive_currency', sa.String(length=3), nullable=False),
    sa.Column('funding_method', sa.String(length=20), nullable=False),
    sa.Column('payout_method', sa.String(length=20), nullable=False),
    sa.Column('speed', sa.String(length=20), nullable=True),
    sa.Column('send_amount', MONEY, nullable=False),
    sa.Column('fee', MONEY, nullable=False),
    sa.Column('exchange_rate', RATE, nullable=True),
    sa.Column('receive_amount', MONEY, nullable=True),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('accepted_ids', sa.String(length=300), nullable=False),
    sa.Column('regions', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('evidence_file', sa.String(length=80), nullable=True),
    sa.Column('evidence_type', sa.String(length=40), nullable=True),
    sa.Column('evidence_reference', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=254), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['corridor_id'], ['corridors.id'], name=op.f('fk_price_observations_corridor_id_corridors')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_price_observations_product_id_products')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_price_observations_provider_id_providers')),
    sa.ForeignKeyConstraint(['receive_currency'], ['currencies.code'], name=op.f('fk_price_observations_receive_currency_currencies')),
    sa.ForeignKeyConstraint(['send_currency'], ['currencies.code'], name=op.f('fk_price_observations_send_currency_currencies')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['price_observations.id'], name=op.f('fk_price_observations_supersedes_id_price_observations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_observations'))
    )
    with op.batch_alter_table('price_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_observations_corridor_id'), ['corridor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_observations_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_observations_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_observations_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_observations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_observations_supersedes_id'), ['supersedes_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collector', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('collector')

    with op.batch_alter_table('price_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_observations_supersedes_id'))
        batch_op.drop_index(batch_op.f('ix_price_observations_status'))
        batch_op.drop_index(batch_op.f('ix_price_observations_provider_id'))
        batch_op.drop_index(batch_op.f('ix_price_observations_product_id'))
        batch_op.drop_index(batch_op.f('ix_price_observations_month'))
        batch_op.drop_index(batch_op.f('ix_price_observations_corridor_id'))

    op.drop_table('price_observations')
