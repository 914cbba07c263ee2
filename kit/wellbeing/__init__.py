"""Wellbeing: check-in instruments, scoring, trends and signposting to support."""
