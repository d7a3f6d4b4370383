"""Reminders: next_due_at (indexed), claim token and attempts; backfill next_due_at

Revision ID: d4e1a7c9b2f0
Revises: 5d1e0a7c9b42
Create Date: 2026-12-01 10:00:00

"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d4e1a7c9b2f0"
down_revision = "5d1e0a7c9b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("push_attempts", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_settings_next_due_at"), ["next_due_at"], unique=False
        )
    _backfill()


def _backfill():
    """Every enabled row gets the moment of its next reminder not yet claimed."""
    from webapp.reminders.due_times import next_due_at
    from webapp.reminders.schedule import ReminderRule

    bind = op.get_bind()
    settings = sa.table(
        "reminder_settings",
        sa.column("user_id", sa.Integer),
        sa.column("enabled", sa.Boolean),
        sa.column("local_time", sa.Time),
        sa.column("days_mask", sa.SmallInteger),
        sa.column("last_claimed_day", sa.Date),
        sa.column("next_due_at", sa.DateTime(timezone=True)),
    )
    users = sa.table("user", sa.column("id", sa.Integer), sa.column("timezone", sa.String))
    now = dt.datetime.now(dt.UTC)
    rows = bind.execute(
        sa.select(
            settings.c.user_id,
            settings.c.local_time,
            settings.c.days_mask,
            settings.c.last_claimed_day,
            users.c.timezone,
        )
        .join(users, users.c.id == settings.c.user_id)
        .where(settings.c.enabled.is_(True))
    ).all()
    values = [
        {
            "b_user_id": row.user_id,
            "b_next": next_due_at(
                ReminderRule(row.timezone, row.local_time, row.days_mask, row.last_claimed_day),
                now,
            ),
        }
        for row in rows
    ]
    if values:
        bind.execute(
            settings.update()
            .where(settings.c.user_id == sa.bindparam("b_user_id"))
            .values(next_due_at=sa.bindparam("b_next")),
            values,
        )


def downgrade():
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_settings_next_due_at"))
        batch_op.drop_column("push_attempts")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("next_due_at")
