"""What reading Terraform costs: run with `make bench` (not a timed test).

Generates a repository deployed with Terraform — N module folders of .tf files (a Lambda resource
with `for_each` over a local map and a zip built by ncc, a terraform-aws-modules/lambda block,
variables, locals, IAM, outputs, and folders with no Lambda at all) beside the TypeScript services
they deploy (a handler file, its helpers and eight ~50-line library modules each) — and reports, for a whole `lambda-leak check` of it:
  - IaC discovery alone (fresh, nothing cached): wall time, and its share of the check;
  - the handlers found and the .tf files parsed versus skipped by the marker check.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from lambda_leak import cli  # noqa: E402
from lambda_leak.iac import HandlerDiscovery, terraform  # noqa: E402

LAMBDA_TF = """\
locals {{
  zip = var.lambda_zip == null ? "${{path.module}}/../../../services/svc{n}/svc{n}.zip" : var.lambda_zip
  handlers = {{
    up   = "index.scaleUp"
    down = "index.scaleDown"
  }}
}}

resource "aws_lambda_function" "this" {{
  for_each         = local.handlers
  function_name    = "${{var.prefix}}-{n}-${{each.key}}"
  role             = aws_iam_role.lambda.arn
  filename         = local.zip
  source_code_hash = filebase64sha256(local.zip)
  handler          = each.value
  runtime          = var.runtime
  timeout          = 30
  environment {{
    variables = {{ LOG_LEVEL = var.log_level, STAGE = var.stage }}
  }}
  tags = merge(var.tags, {{ Name = "svc{n}" }})
}}

module "report" {{
  source        = "terraform-aws-modules/lambda/aws"
  version       = "~> 7.0"
  function_name = "${{var.prefix}}-{n}-report"
  handler       = "report.handler"
  runtime       = "nodejs20.x"
  source_path   = "${{path.module}}/../../../services/svc{n}/report"
}}
"""
VARIABLES_TF = """\
variable "prefix" {{ default = "bench" }}
variable "runtime" {{ default = "nodejs20.x" }}
variable "lambda_zip" {{
  type    = string
  default = null
}}
variable "log_level" {{ default = "info" }}
variable "stage" {{ default = "dev" }}
variable "tags" {{
  type    = map(string)
  default = {{ team = "t{n}" }}
}}
"""
IAM_TF = """\
resource "aws_iam_role" "lambda" {{
  name               = "${{var.prefix}}-{n}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}}

data "aws_iam_policy_document" "assume" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }}
  }}
}}
"""
OUTPUTS_TF = """\
output "function_names" {{
  value = [for f in aws_lambda_function.this : f.function_name]
}}
"""
NETWORK_TF = """\
resource "aws_vpc" "main" {{
  cidr_block = "10.{n}.0.0/16"
}}

resource "aws_subnet" "private" {{
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
}}

resource "aws_security_group" "lambda" {{
  vpc_id = aws_vpc.main.id
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"""
LAMBDA_TS = """\
import {{ Context }} from "aws-lambda";
import {{ adjust }} from "./runners";

export async function scaleUp(event: {{ queued: number }}, context: Context): Promise<void> {{
  adjust(event.queued);
}}

export async function scaleDown(event: {{ idle: number }}): Promise<number> {{
  return adjust(-event.idle);
}}
"""
RUNNERS_TS = """\
import {{ loadConfig }} from "./lib/config0";

export async function adjust(delta: number): Promise<number> {{
  const config = await loadConfig("runners");
  return Math.max(0, Math.min(config.max, delta));
}}
"""
# A service's own library code: what a real service has beside its handler (about 50 lines each).
LIBRARY_TS = """\
import {{ SSMClient, GetParameterCommand }} from "@aws-sdk/client-ssm";

const client = new SSMClient({{}});
const cache = new Map<string, {{ value: Config; at: number }}>();

export interface Config {{
  name: string;
  max: number;
  tags: Record<string, string>;
}}

export async function loadConfig(name: string): Promise<Config> {{
  const hit = cache.get(name);
  if (hit && Date.now() - hit.at < 60_000) {{
    return hit.value;
  }}
  const response = await client.send(new GetParameterCommand({{ Name: `/svc/{n}/${{name}}` }}));
  const value = parse(response.Parameter?.Value ?? "{{}}");
  cache.set(name, {{ value, at: Date.now() }});
  return value;
}}

function parse(text: string): Config {{
  const raw = JSON.parse(text) as Partial<Config>;
  return {{ name: raw.name ?? "default", max: raw.max ?? 10, tags: raw.tags ?? {{}} }};
}}

export class Registry{n} {{
  private readonly items: string[] = [];

  async register(item: string): Promise<number> {{
    this.items.push(item);
    return this.items.length;
  }}

  async drain(): Promise<string[]> {{
    const drained = this.items.splice(0, this.items.length);
    await Promise.all(drained.map((item) => loadConfig(item)));
    return drained;
  }}
}}

export function describe(config: Config): string {{
  return Object.entries(config.tags)
    .map(([key, value]) => `${{key}}=${{value}}`)
    .join(",");
}}
"""
LIBRARY_FILES = 8
REPORT_JS = "exports.handler = async (event) => ({ rows: event.rows.length });\n"
PACKAGE_JSON = '{{ "name": "svc{n}", "scripts": {{ "build": "ncc build src/lambda.ts -o dist" }} }}\n'


def generate(root: Path, modules: int) -> int:
    tf_files = 0
    for n in range(modules):
        folder = root / "infra" / "modules" / f"svc{n}"
        folder.mkdir(parents=True)
        files = {"variables.tf": VARIABLES_TF, "iam.tf": IAM_TF, "outputs.tf": OUTPUTS_TF, "network.tf": NETWORK_TF}
        if n % 5 != 4:  # every fifth module deploys no Lambda
            files["main.tf"] = LAMBDA_TF
        for name, text in files.items():
            (folder / name).write_text(text.format(n=n), encoding="utf-8")
            tf_files += 1
        service = root / "services" / f"svc{n}"
        (service / "src").mkdir(parents=True)
        (service / "report").mkdir()
        (service / "package.json").write_text(PACKAGE_JSON.format(n=n), encoding="utf-8")
        (service / "src" / "lambda.ts").write_text(LAMBDA_TS.format(), encoding="utf-8")
        (service / "src" / "runners.ts").write_text(RUNNERS_TS.format(), encoding="utf-8")
        (service / "src" / "lib").mkdir()
        for i in range(LIBRARY_FILES):
            (service / "src" / "lib" / f"config{i}.ts").write_text(LIBRARY_TS.format(n=n), encoding="utf-8")
        (service / "report" / "report.js").write_text(REPORT_JS, encoding="utf-8")
    return tf_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=100, help="Terraform module folders (4-5 .tf files each)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tf_files = generate(root, args.modules)
        discovery_times, check_times = [], []
        handlers = []
        for _ in range(args.repeat):
            terraform._cache.clear()
            started = time.process_time()
            handlers = HandlerDiscovery().discover(root)
            discovery_times.append(time.process_time() - started)
            terraform._cache.clear()
            started = time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli.main(["check", "--jobs", "1", "--no-cache", str(root)])
            check_times.append(time.process_time() - started)
            assert code == 1, "the generated services leak: the check must find it"
        found = sum(1 for h in handlers if h.source_file is not None)
        discovery, check = min(discovery_times), min(check_times)
        parsed = sum(1 for entry in terraform._cache.values() if entry[1] is not None)
        print(f"{args.modules} Terraform module folders, {tf_files} .tf files ({parsed} parsed, the rest skipped by marker),"
              f" {found} handlers found")
        print(f"IaC discovery (fresh, CPU): {discovery * 1000:.0f} ms; whole `lambda-leak check` (CPU, one process): {check * 1000:.0f} ms;"
              f" discovery is {100 * discovery / check:.0f}% of the check")


if __name__ == "__main__":
    main()
