"""Fixes for JavaScript/TypeScript findings."""
