"""Daily reminders: Web Push at each person's own local time, and a calendar feed."""
