"""WeaverGen service."""
