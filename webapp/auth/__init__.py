"""Accounts: register, log in and out, and the account page (password, data, deletion)."""
