"""Rules for Python handlers (one module per rule)."""
