"""WeaverGen routing."""
