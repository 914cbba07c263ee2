"""The `kit` command's sub-commands, one module per area; `kit.cli` assembles them."""
