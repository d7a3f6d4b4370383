"""Episodes (facts of an injury asked once), emergency acknowledgements, emergency number

Revision ID: b2846a23e0bc
Revises: a7d2e9f41c05
Create Date: 2026-12-01 09:42:17.019526

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2846a23e0bc'
down_revision = 'a7d2e9f41c05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('episode',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('onset', sa.String(length=12), nullable=True),
    sa.Column('mechanism', sa.String(length=20), nullable=True),
    sa.Column('popping', sa.Boolean(), nullable=True),
    sa.Column('lump', sa.Boolean(), nullable=True),
    sa.Column('prior_injury', sa.Boolean(), nullable=True),
    sa.Column('skipped', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mechanism IS NULL OR mechanism IN ('none', 'direct_blow', 'hyperextension', 'twisting', 'forceful_push_off')", name=op.f('ck_episode_mechanism_values')),
    sa.CheckConstraint("onset IS NULL OR onset IN ('gradual', 'sudden')", name=op.f('ck_episode_onset_values')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_episode_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_episode')),
    sa.UniqueConstraint('user_id', 'id', name='uq_episode_user_id_id')
    )
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.create_index('ix_episode_user_id_started_on', ['user_id', 'started_on'], unique=False)

    op.create_table('flag_acknowledgement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('raised_by', sa.String(length=48), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_flag_acknowledgement_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_acknowledgement')),
    sa.UniqueConstraint('user_id', 'code', 'raised_by', name='uq_flag_acknowledgement_raised')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('emergency_number', sa.String(length=16), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('emergency_number')

    op.drop_table('flag_acknowledgement')
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.drop_index('ix_episode_user_id_started_on')

    op.drop_table('episode')
