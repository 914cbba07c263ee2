"""Removal requests after a doxing, carried to their end: what was asked of whom, when the reply
is due, when to look again, and what to do next (issue 18)."""
