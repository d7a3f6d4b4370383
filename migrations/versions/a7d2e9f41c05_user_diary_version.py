"""user.diary_version: bumped by every diary write, keys the findings cache

Revision ID: a7d2e9f41c05
Revises: a7d2e5f10b11
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "a7d2e9f41c05"
down_revision = "a7d2e5f10b11"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("diary_version", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("diary_version")
