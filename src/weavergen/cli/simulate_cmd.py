"""CLI: simulate_cmd (being built)."""
