"""WeaverGen models."""
