"""CLI: economics_cmd (being built)."""
