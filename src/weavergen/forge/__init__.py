"""WeaverGen forge."""
