"""Gunicorn settings for the Procfile's web process (read by default from the cwd).

i12-speed owns the worker class and timeouts; this file starts with what the
access log needs: it goes to stdout, with share, calendar and reset tokens
masked (webapp/security/access_log.py).
"""

accesslog = "-"
logger_class = "webapp.security.access_log.MaskingGunicornLogger"
