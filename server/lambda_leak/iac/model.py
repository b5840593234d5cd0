"""What discovery returns, and the raw declaration each reader produces before resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DeclaredHandler:
    source_file: Path | None  # the file the runtime would load; None when it is not on disk
    export_path: str  # e.g. "nested.fn" for handler "src/app.nested.fn"
    export_name: str  # the exported name: first segment of export_path ("nested")
    runtime: str | None  # as declared ("nodejs20.x", "python3.12"), None when not declared
    declared_in: Path  # the template / serverless.yml / CDK source that declares it
    line: int  # 0-based line of the Handler property (or of the construct when defaulted)
    origin: str  # "template.yaml", "serverless.yml", "main.tf", … (the declaring file's name), "cdk", "sst", "pulumi"
    how: str = ""  # how a handler naming a built file was traced to its source, or why its code is not on disk
    unresolved: str | None = None  # why the handler could not be known (then source_file is None, export_path "")
    managed_instances: bool = False  # runs on Lambda Managed Instances (a capacity provider), not the default Lambda

    @property
    def deployed_runtime(self) -> str | None:
        """The runtime as it runs: "nodejs22.x on Lambda Managed Instances" for a capacity-provider function."""
        if self.runtime and self.managed_instances:
            return f"{self.runtime}{ON_MANAGED_INSTANCES}"
        return self.runtime


ON_MANAGED_INSTANCES = " on Lambda Managed Instances"


@dataclass(frozen=True)
class Declaration:
    """A handler as a deployment file states it, before the handler string is resolved."""

    handler: str
    code_dir: Path | None  # the folder the handler is relative to; None for S3/inline code
    runtime: str | None
    declared_in: Path
    line: int
    origin: str
    entry_points: tuple[str, ...] = field(default=())  # SAM esbuild Metadata.BuildProperties.EntryPoints
    family: str | None = None  # forces 'node'/'python' resolution when the construct implies it
    entry: Path | None = None  # CDK NodejsFunction/PythonFunction: the file itself; `handler` is then the export
    unresolved: str | None = None  # the handler depends on something only known at deploy time (then handler is "")
    note: str = ""  # why the code is not on disk (S3, an image, a code path only known at deploy time)
    managed_instances: bool = False  # the function names a capacity provider (Lambda Managed Instances)


def one_line(text: str, limit: int = 120) -> str:
    """Source text (an expression) as one short line, for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
