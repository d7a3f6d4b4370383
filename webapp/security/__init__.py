"""Hardening that sits at the edges of the app: input limits, rate limits, logs, headers."""
