"""The cross-file index: which functions other files call, which imports make promises, and
which handlers the deployment declares. See `index.Workspace`."""

__all__ = ["Workspace"]


def __getattr__(name: str):
    # on first use: `check` imports `workspace.crew` before its walk, which needs none of the index
    if name == "Workspace":
        from lambda_leak.workspace.index import Workspace

        return Workspace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
