"""Frontline Kit: a private safety and wellbeing kit for frontline professionals."""

__version__ = "0.1.0"
