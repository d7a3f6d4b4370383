"""Sending e-mail: password-reset links and notices to the account's address."""
