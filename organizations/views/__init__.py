"""The account's own pages (sign-in, sign-out and password change are Django's views)."""
