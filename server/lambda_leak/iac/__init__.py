"""Handlers declared by deployment files: SAM/CloudFormation templates, serverless.yml, CDK apps,
Terraform configurations, SST apps and Pulumi programs.

    discover(root) -> list[DeclaredHandler]
    declared_handlers_by_file(root) -> dict[Path, set[str]]
    HandlerDiscovery(): the same two as methods, re-parsing only files that changed between calls
"""

from lambda_leak.iac.discovery import HandlerDiscovery, declared_handlers_by_file, discover
from lambda_leak.iac.model import DeclaredHandler

__all__ = ["DeclaredHandler", "HandlerDiscovery", "declared_handlers_by_file", "discover"]
