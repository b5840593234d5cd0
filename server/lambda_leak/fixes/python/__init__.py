"""Fix builders for the Python rules: each returns a `Fix` (data) computed with its finding."""
