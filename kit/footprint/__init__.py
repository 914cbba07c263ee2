"""Digital-footprint self-checks: a plan the user approves, sent only through transport.py."""
