"""WeaverGen registry."""
