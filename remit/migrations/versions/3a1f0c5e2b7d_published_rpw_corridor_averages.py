"""published RPW corridor averages

Revision ID: 3a1f0c5e2b7d
Revises: 4b0cd6305a5d
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# Exact decimals: NUMERIC on PostgreSQL, decimal text on SQLite (see remit/models/types.py).
PERCENT = sa.Numeric(12, 6).with_variant(sa.String(14), "sqlite")


# revision identifiers, used by Alembic.
revision = '3a1f0c5e2b7d'
down_revision = '4b0cd6305a5d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('published_averages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('corridor_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=6), nullable=False),
    sa.Column('avg_cost_pct', PERCENT, nullable=False),
    sa.Column('cheapest_cost_pct', PERCENT, nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('retired_by_import_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['corridor_id'], ['corridors.id'], name=op.f('fk_published_averages_corridor_id_corridors')),
    sa.ForeignKeyConstraint(['import_id'], ['import_runs.id'], name=op.f('fk_published_averages_import_id_import_runs')),
    sa.ForeignKeyConstraint(['retired_by_import_id'], ['import_runs.id'], name=op.f('fk_published_averages_retired_by_import_id_import_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_averages'))
    )
    with op.batch_alter_table('published_averages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_averages_corridor_id'), ['corridor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_averages_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_averages_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_published_averages_retired_by_import_id'), ['retired_by_import_id'], unique=False)


def downgrade():
    with op.batch_alter_table('published_averages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_averages_retired_by_import_id'))
        batch_op.drop_index(batch_op.f('ix_published_averages_period'))
        batch_op.drop_index(batch_op.f('ix_published_averages_import_id'))
        batch_op.drop_index(batch_op.f('ix_published_averages_corridor_id'))
    op.drop_table('published_averages')
