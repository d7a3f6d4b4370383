"""gunicorn settings for Fossa (the Procfile's `web:` line reads this file)."""

workers = 2
