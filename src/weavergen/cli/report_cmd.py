"""CLI: report_cmd (being built)."""
