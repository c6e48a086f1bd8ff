"""WeaverGen cache."""
