"""SAM and CloudFormation templates: `AWS::Serverless::Function` and `AWS::Lambda::Function`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lambda_leak.iac.cfn_yaml import LineDict
from lambda_leak.iac.handler_paths import join
from lambda_leak.iac.model import Declaration

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
_SUB_VARIABLE = re.compile(r"\$\{([^}!]*)\}")


def is_template(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    if isinstance(document.get("Resources"), dict):
        return True
    return "AWSTemplateFormatVersion" in document or "Transform" in document


def declarations(document: Any, path: Path) -> list[Declaration]:
    if not is_template(document):
        return []
    resources = document.get("Resources")
    if not isinstance(resources, dict):
        return []
    parameters = _parameter_defaults(document.get("Parameters"))
    globals_ = document.get("Globals")
    defaults = globals_.get("Function") if isinstance(globals_, dict) else None
    if not isinstance(defaults, dict):
        defaults = LineDict()
    found: list[Declaration] = []
    for resource in resources.values():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            properties = LineDict()
        resource_line = resource.line if isinstance(resource, LineDict) else 0
        if kind == SERVERLESS_FUNCTION:
            declaration = _serverless_function(resource, properties, defaults, parameters, path, resource_line)
        elif kind == LAMBDA_FUNCTION:
            declaration = _lambda_function(resource, properties, parameters, path, resource_line)
        else:
            continue
        if declaration is not None:
            found.append(declaration)
    return found


def _serverless_function(resource, properties, defaults, parameters, path: Path, resource_line: int):
    package_type = _text(properties.get("PackageType", defaults.get("PackageType")), parameters)
    if package_type == "Image":
        return None  # container image: no handler string
    handler, line = _property("Handler", properties, defaults, parameters, resource_line)
    if not handler:
        return None
    runtime, _ = _property("Runtime", properties, defaults, parameters, resource_line)
    code_dir: Path | None = path.parent  # SAM builds the template's folder when CodeUri is absent
    if "InlineCode" in properties or "InlineCode" in defaults:
        code_dir = None
    else:
        code_uri = properties.get("CodeUri", defaults.get("CodeUri"))
        if code_uri is not None:
            code_dir = _local_folder(_text(code_uri, parameters), path)
    entry_points: tuple[str, ...] = ()
    metadata = resource.get("Metadata")
    if isinstance(metadata, dict) and str(metadata.get("BuildMethod", "")).lower() == "esbuild":
        build = metadata.get("BuildProperties")
        points = build.get("EntryPoints") if isinstance(build, dict) else None
        if isinstance(points, list):
            entry_points = tuple(p for p in (_text(p, parameters) for p in points) if p)
    managed = _capacity_provider(properties.get("CapacityProviderConfig"), "Arn")
    return Declaration(handler, code_dir, runtime, path, line, path.name, entry_points, managed_instances=managed)


def _lambda_function(resource, properties, parameters, path: Path, resource_line: int):
    if _text(properties.get("PackageType"), parameters) == "Image":
        return None
    handler, line = _property("Handler", properties, LineDict(), parameters, resource_line)
    if not handler:
        return None
    runtime, _ = _property("Runtime", properties, LineDict(), parameters, resource_line)
    code = properties.get("Code")
    code_dir: Path | None = None
    if isinstance(code, str):  # `aws cloudformation package` uploads a local folder named here
        code_dir = _local_folder(code, path)
    metadata = resource.get("Metadata")
    if code_dir is None and isinstance(metadata, dict):  # templates synthesized by the CDK
        asset = metadata.get("aws:asset:path")
        if isinstance(asset, str):
            code_dir = _local_folder(asset, path)
    config = properties.get("CapacityProviderConfig")
    managed = isinstance(config, dict) and _capacity_provider(
        config.get("LambdaManagedInstancesCapacityProviderConfig"), "CapacityProviderArn")
    return Declaration(handler, code_dir, runtime, path, line, path.name, managed_instances=managed)


def _capacity_provider(config: Any, arn_key: str) -> bool:
    """Does the function name a capacity provider, i.e. run on Lambda Managed Instances? SAM:
    `CapacityProviderConfig: {Arn: …}`; CloudFormation: `CapacityProviderConfig:
    {LambdaManagedInstancesCapacityProviderConfig: {CapacityProviderArn: …}}`. The ARN is usually
    `!GetAtt`/`!Ref` of a capacity provider resource, so any value there counts."""
    return isinstance(config, dict) and config.get(arn_key) is not None


def _property(name: str, properties, defaults, parameters, resource_line: int) -> tuple[str | None, int]:
    if name in properties:
        owner = properties
    elif name in defaults:
        owner = defaults
    else:
        return None, resource_line
    line = owner.line_of(name) if isinstance(owner, LineDict) else resource_line
    return _text(owner[name], parameters), line


def _local_folder(uri: str | None, template: Path) -> Path | None:
    if not uri or "://" in uri:
        return None  # s3://… or unresolved: the code is not in this project
    return join(template.parent, uri)


def _parameter_defaults(parameters: Any) -> dict[str, str]:
    if not isinstance(parameters, dict):
        return {}
    defaults = {}
    for name, spec in parameters.items():
        if isinstance(spec, dict) and isinstance(spec.get("Default"), (str, int, float)):
            defaults[str(name)] = str(spec["Default"])
    return defaults


def _text(value: Any, parameters: dict[str, str]) -> str | None:
    """A property's string value; `Ref`/`Fn::Sub` of parameters with defaults are substituted,
    anything else that only exists at deploy time gives None."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (key, argument), = value.items()
    if key == "Ref" and isinstance(argument, str):
        return parameters.get(argument)
    if key == "Fn::Sub":
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            local = {**parameters}
            if len(argument) > 1 and isinstance(argument[1], dict):
                for k, v in argument[1].items():
                    text = _text(v, parameters)
                    if text is not None:
                        local[str(k)] = text
            return _substitute(argument[0], local)
        if isinstance(argument, str):
            return _substitute(argument, parameters)
    return None


def _substitute(template: str, values: dict[str, str]) -> str | None:
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name in values:
            return values[name]
        missing = True
        return ""

    text = _SUB_VARIABLE.sub(replace, template).replace("${!", "${")
    return None if missing else text
