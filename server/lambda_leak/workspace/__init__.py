"""The cross-file index: which functions other files call, which imports make promises, and
which handlers the deployment declares. See `index.Workspace`."""

from lambda_leak.workspace.index import Workspace

__all__ = ["Workspace"]
