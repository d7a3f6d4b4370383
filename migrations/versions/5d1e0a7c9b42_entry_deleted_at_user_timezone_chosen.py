"""Soft delete of entries (entry.deleted_at) and user.timezone_chosen

Revision ID: 5d1e0a7c9b42
Revises: b2846a23e0bc
Create Date: 2026-12-01 10:20:00

An entry is deleted by setting deleted_at; the purge job removes it after the
restore window. timezone_chosen tells a stored timezone from the UTC default;
existing people with a zone other than UTC chose it, so they start as chosen.
"""

import sqlalchemy as sa
from alembic import op

revision = "5d1e0a7c9b42"
down_revision = "b2846a23e0bc"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone_chosen", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text("UPDATE \"user\" SET timezone_chosen = (timezone <> 'UTC')"))
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Entries waiting in their restore window were deleted by their owner: they go.
    op.execute(sa.text("DELETE FROM entry WHERE deleted_at IS NOT NULL"))
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("timezone_chosen")
