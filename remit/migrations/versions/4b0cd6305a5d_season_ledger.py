"""season ledger

Revision ID: 4b0cd6305a5d
Revises: ed7e0ad88127
Create Date: 2026-12-01 15:55:28.903839

Cycles of a saved group's pooled transfers, their members as planned, and the entries that say what
really happened (contributions, wires, payouts; corrections supersede entries, never change them).

"""
from alembic import op
import sqlalchemy as sa

# As the initial schema stores money: exact NUMERIC on PostgreSQL, its decimal text on SQLite.
MONEY = sa.Numeric(18, 4).with_variant(sa.String(20), "sqlite")
RATE = sa.Numeric(24, 10).with_variant(sa.String(26), "sqlite")


# revision identifiers, used by Alembic.
revision = '4b0cd6305a5d'
down_revision = 'ed7e0ad88127'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_cycles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('cycle_date', sa.Date(), nullable=False),
    sa.Column('send_country', sa.String(length=2), nullable=False),
    sa.Column('receive_country', sa.String(length=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('receive_currency', sa.String(length=3), nullable=False),
    sa.Column('bulk_product', sa.String(length=40), nullable=False),
    sa.Column('bulk_label', sa.String(length=300), nullable=False),
    sa.Column('allocation', sa.String(length=10), nullable=False),
    sa.Column('coordinator_fee', MONEY, nullable=False),
    sa.Column('distribution_fee', MONEY, nullable=False),
    sa.Column('reference_rate', RATE, nullable=False),
    sa.Column('reference_rate_as_of', sa.Date(), nullable=False),
    sa.Column('reference_rate_source', sa.Text(), nullable=False),
    sa.Column('planned', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('completed_by', sa.String(length=254), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('erased_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['bundle_groups.id'], name=op.f('fk_ledger_cycles_group_id_bundle_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_cycles')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_ledger_cycles_group_id_number'))
    )
    with op.batch_alter_table('ledger_cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_cycles_group_id'), ['group_id'], unique=False)

    op.create_table('ledger_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('planned_fees_on_top', MONEY, nullable=False),
    sa.Column('planned_share', MONEY, nullable=True),
    sa.Column('planned_receive', MONEY, nullable=True),
    sa.Column('today_option', sa.String(length=300), nullable=True),
    sa.Column('today_cost', MONEY, nullable=True),
    sa.Column('cheapest_option', sa.String(length=300), nullable=True),
    sa.Column('cheapest_cost', MONEY, nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('personal', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['ledger_cycles.id'], name=op.f('fk_ledger_members_cycle_id_ledger_cycles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_members')),
    sa.UniqueConstraint('cycle_id', 'position', name=op.f('uq_ledger_members_cycle_id_position')),
    sa.UniqueConstraint('cycle_id', 'ref', name=op.f('uq_ledger_members_cycle_id_ref'))
    )
    with op.batch_alter_table('ledger_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_members_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('ledger_wires',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('bank_reference', sa.String(length=120), nullable=False),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.Column('debited', MONEY, nullable=False),
    sa.Column('fee', MONEY, nullable=False),
    sa.Column('currency_sent', sa.String(length=3), nullable=False),
    sa.Column('applied_rate', RATE, nullable=False),
    sa.Column('intermediary', MONEY, nullable=False),
    sa.Column('receiving_fee', MONEY, nullable=False),
    sa.Column('credited', MONEY, nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('correction', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.String(length=254), nullable=False),
    sa.Column('entered_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['ledger_cycles.id'], name=op.f('fk_ledger_wires_cycle_id_ledger_cycles')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['ledger_wires.id'], name=op.f('fk_ledger_wires_supersedes_id_ledger_wires')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_wires'))
    )
    with op.batch_alter_table('ledger_wires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_wires_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('ledger_contributions',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('receipt', sa.String(length=120), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('correction', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.String(length=254), nullable=False),
    sa.Column('entered_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['ledger_cycles.id'], name=op.f('fk_ledger_contributions_cycle_id_ledger_cycles')),
    sa.ForeignKeyConstraint(['member_id'], ['ledger_members.id'], name=op.f('fk_ledger_contributions_member_id_ledger_members')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['ledger_contributions.id'], name=op.f('fk_ledger_contributions_supersedes_id_ledger_contributions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_contributions'))
    )
    with op.batch_alter_table('ledger_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_contributions_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('ledger_payouts',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('confirmed_how', sa.String(length=20), nullable=True),
    sa.Column('confirmed_by', sa.String(length=120), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('correction', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('entered_by', sa.String(length=254), nullable=False),
    sa.Column('entered_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['ledger_cycles.id'], name=op.f('fk_ledger_payouts_cycle_id_ledger_cycles')),
    sa.ForeignKeyConstraint(['member_id'], ['ledger_members.id'], name=op.f('fk_ledger_payouts_member_id_ledger_members')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['ledger_payouts.id'], name=op.f('fk_ledger_payouts_supersedes_id_ledger_payouts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_payouts'))
    )
    with op.batch_alter_table('ledger_payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_payouts_cycle_id'), ['cycle_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ledger_payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_payouts_cycle_id'))

    op.drop_table('ledger_payouts')
    with op.batch_alter_table('ledger_contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_contributions_cycle_id'))

    op.drop_table('ledger_contributions')
    with op.batch_alter_table('ledger_wires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_wires_cycle_id'))

    op.drop_table('ledger_wires')
    with op.batch_alter_table('ledger_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_members_cycle_id'))

    op.drop_table('ledger_members')
    with op.batch_alter_table('ledger_cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_cycles_group_id'))

    op.drop_table('ledger_cycles')
