"""WeaverGen economics."""
