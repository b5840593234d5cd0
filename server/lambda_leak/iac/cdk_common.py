"""What the TypeScript/JavaScript and Python CDK readers share: which constructs declare a handler,
their defaults, and how their (statically evaluated) props become a Declaration."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lambda_leak.iac.handler_paths import join, runtime_family
from lambda_leak.iac.model import Declaration

# Fully qualified construct names (JS module specifiers are mapped onto the Python module names).
CONSTRUCTS = {
    "aws_cdk.aws_lambda.Function": "function",
    "aws_cdk.aws_lambda.SingletonFunction": "function",
    "aws_cdk.aws_lambda_nodejs.NodejsFunction": "nodejs",
    "aws_cdk.aws_lambda_python_alpha.PythonFunction": "python",
    "aws_cdk.aws_lambda_python.PythonFunction": "python",
}
# Class names distinctive enough to trust when the import cannot be followed.
UNAMBIGUOUS_CLASSES = {"NodejsFunction": "nodejs", "PythonFunction": "python"}
ASSET_METHODS = frozenset({"fromAsset", "asset", "from_asset"})
INLINE_METHODS = frozenset({"fromInline", "inline", "from_inline"})
ORIGIN = "cdk"


def js_module_name(specifier: str) -> str:
    """'aws-cdk-lib/aws-lambda' and '@aws-cdk/aws-lambda' → 'aws_cdk.aws_lambda'; 'node:path' → 'path'."""
    if specifier.startswith("node:"):
        return specifier[5:]
    for prefix in ("aws-cdk-lib/", "@aws-cdk/"):
        if specifier.startswith(prefix):
            return "aws_cdk." + specifier[len(prefix) :].replace("-", "_")
    if specifier == "aws-cdk-lib":
        return "aws_cdk"
    return specifier


def construct_kind(qualified: str | None, last_name: str, object_name: str | None) -> str | None:
    if qualified is not None and qualified.startswith("aws_cdk."):
        return CONSTRUCTS.get(qualified)  # an alias such as `{ Function: Fn }` is still known
    if last_name in UNAMBIGUOUS_CLASSES:
        return UNAMBIGUOUS_CLASSES[last_name]
    if last_name in ("Function", "SingletonFunction") and object_name and "lambda" in object_name.lower():
        return "function"  # `lambda.Function` whose import we could not follow
    return None


def runtime_name(constant: str) -> str:
    """`Runtime.NODEJS_20_X` → 'nodejs20.x', `PYTHON_3_12` → 'python3.12', `PROVIDED_AL2` → 'provided.al2'."""
    upper = constant.upper()
    for prefix, name in (("NODEJS_", "nodejs"), ("PYTHON_", "python")):
        if upper.startswith(prefix):
            version = upper[len(prefix) :]
            return name if version == "LATEST" else name + version.lower().replace("_", ".")
    return constant.lower().replace("_", ".")


@dataclass
class ConstructCall:
    kind: str  # 'function', 'nodejs' or 'python'
    line: int  # where the construct starts
    construct_id: str | None = None
    handler: str | None = None
    handler_line: int | None = None
    code: tuple[str, str | None] | None = None  # ('asset', folder) / ('inline', None) / ('other', None)
    entry: str | None = None
    entry_given: bool = False  # `entry` was written (even if we could not evaluate it)
    index: str | None = None
    runtime: str | None = None


def place(path_text: str, stack_file: Path, app_dir: Path) -> Path:
    """A path string as the CDK app sees it: relative paths are relative to the app's working folder
    (where cdk.json is); if nothing is there, the stack file's folder is the better guess."""
    if os.path.isabs(path_text):
        return Path(os.path.normpath(path_text))
    candidate = join(app_dir, path_text)
    if candidate.exists():
        return candidate
    beside = join(stack_file.parent, path_text)
    return beside if beside.exists() else candidate


def to_declaration(call: ConstructCall, stack_file: Path, app_dir: Path, js_stack: bool) -> Declaration | None:
    line = call.handler_line if call.handler_line is not None else call.line
    if call.kind == "function":
        if not call.handler:
            return None
        code_dir = None
        if call.code is not None and call.code[0] == "asset" and call.code[1]:
            code_dir = place(call.code[1], stack_file, app_dir)
        family = runtime_family(call.runtime)
        if family == "other":
            return None
        return Declaration(call.handler, code_dir, call.runtime, stack_file, line, ORIGIN, family=family)
    if call.kind == "nodejs":
        handler = call.handler or "handler"
        entry: Path | None = None
        if call.entry:
            entry = place(call.entry, stack_file, app_dir)
        elif not call.entry_given and js_stack and call.construct_id:
            entry = _default_nodejs_entry(stack_file, call.construct_id)
        if entry is None and call.entry_given:
            return None  # an entry we cannot evaluate: better no answer than a wrong file
        export = handler.split(".", 1)[1] if "." in handler else handler
        return Declaration(export, None, call.runtime, stack_file, line, ORIGIN, family="node", entry=entry)
    if call.kind == "python":
        if not call.entry:
            return None
        folder = place(call.entry, stack_file, app_dir)
        entry = join(folder, call.index or "index.py")
        return Declaration(call.handler or "handler", None, call.runtime, stack_file, line, ORIGIN, family="python", entry=entry)
    return None


def _default_nodejs_entry(stack_file: Path, construct_id: str) -> Path:
    """NodejsFunction without `entry`: `<stack>.<id>.ts`, then `.js`, then `.mjs`, beside the stack file."""
    stem = stack_file.with_suffix("")
    candidates = [stem.with_name(f"{stem.name}.{construct_id}{ext}") for ext in (".ts", ".js", ".mjs")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[0]
