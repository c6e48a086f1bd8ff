"""CLI: registry_cmd (being built)."""
