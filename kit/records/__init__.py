"""Domain records kept in the vault, and the repositories the CLI and TUI both use."""
