"""lambda-leak: find and fix execution leaks in AWS Lambda handlers."""

__version__ = "0.1.0"
