"""WeaverGen engine."""
