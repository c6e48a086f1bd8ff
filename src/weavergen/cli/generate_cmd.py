"""CLI: generate_cmd (being built)."""
