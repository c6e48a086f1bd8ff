"""WeaverGen learning."""
