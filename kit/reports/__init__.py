"""Exports of what the user chooses, in formats other people and tools can read."""
