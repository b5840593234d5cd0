"""Handlers declared by deployment files: SAM/CloudFormation templates, serverless.yml and CDK apps.

    discover(root) -> list[DeclaredHandler]
    declared_handlers_by_file(root) -> dict[Path, set[str]]
"""

from lambda_leak.iac.discovery import declared_handlers_by_file, discover
from lambda_leak.iac.model import DeclaredHandler

__all__ = ["DeclaredHandler", "declared_handlers_by_file", "discover"]
