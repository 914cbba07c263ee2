"""Supervision: identities, share packets, countersigned records and the team view."""
