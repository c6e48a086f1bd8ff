"""WeaverGen telemetry."""
