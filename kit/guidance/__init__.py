"""Guidance: checklists loaded from TOML, progress against them, and what to do first."""
