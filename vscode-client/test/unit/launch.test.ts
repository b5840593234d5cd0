import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeCommand, expandVariables, findOnPath, resolveServerCommand, type VariableContext } from "../../src/launch";

const context: VariableContext = { workspaceFolder: "/work/app", home: "/home/dev", env: { VENV: "/opt/venv", PATH: "" } };
const nothingOnPath = () => undefined;

describe("resolveServerCommand", () => {
  it("runs `lambda-leak server` when serverPath is set, ahead of every interpreter", () => {
    const command = resolveServerCommand({
      serverPath: "/usr/local/bin/lambda-leak",
      interpreter: "/usr/bin/python3",
      pythonExtension: ["/x/python"],
      context,
      findExecutable: nothingOnPath,
    });
    assert.deepEqual(command, { command: "/usr/local/bin/lambda-leak", args: ["server"], source: "serverPath" });
  });

  it("runs `<python> -m lambda_leak server` with the configured interpreter, ahead of the Python extension", () => {
    const command = resolveServerCommand({ interpreter: "/usr/bin/python3.11", pythonExtension: ["/x/python"], context, findExecutable: nothingOnPath });
    assert.deepEqual(command, {
      command: "/usr/bin/python3.11",
      args: ["-m", "lambda_leak", "server"],
      source: "interpreter",
      python: ["/usr/bin/python3.11"],
    });
  });

  it("ignores blank settings", () => {
    const command = resolveServerCommand({ serverPath: "  ", interpreter: "", pythonExtension: ["/env/bin/python"], context, findExecutable: nothingOnPath });
    assert.equal(command?.source, "pythonExtension");
    assert.equal(command.command, "/env/bin/python");
  });

  it("keeps a multi-word command from the Python extension (conda run) in front of the module arguments", () => {
    const command = resolveServerCommand({ pythonExtension: ["conda", "run", "-n", "lambda", "python"], context, findExecutable: nothingOnPath });
    assert.deepEqual(command, {
      command: "conda",
      args: ["run", "-n", "lambda", "python", "-m", "lambda_leak", "server"],
      source: "pythonExtension",
      python: ["conda", "run", "-n", "lambda", "python"],
    });
  });

  it("falls back to python3, then python, on PATH", () => {
    const asked: string[][] = [];
    const command = resolveServerCommand({
      context,
      findExecutable: (names) => {
        asked.push(names);
        return "/usr/bin/python3";
      },
    });
    assert.equal(command?.command, "/usr/bin/python3");
    assert.equal(command.source, "path");
    assert.deepEqual(asked, [process.platform === "win32" ? ["python", "python3"] : ["python3", "python"]]);
  });

  it("gives nothing when there is no Python anywhere", () => {
    assert.equal(resolveServerCommand({ context, findExecutable: nothingOnPath }), undefined);
  });

  it("expands variables in the settings", () => {
    const command = resolveServerCommand({ interpreter: "${workspaceFolder}/.venv/bin/python", context, findExecutable: nothingOnPath });
    assert.equal(command?.command, "/work/app/.venv/bin/python");
  });
});

describe("expandVariables", () => {
  it("expands ~, ${userHome} and ${env:NAME}", () => {
    assert.equal(expandVariables("~/bin/lambda-leak", context), "/home/dev/bin/lambda-leak");
    assert.equal(expandVariables("${userHome}/py", context), "/home/dev/py");
    assert.equal(expandVariables("${env:VENV}/bin/python", context), "/opt/venv/bin/python");
    assert.equal(expandVariables("${env:UNSET_VARIABLE}/python", context), "/python");
  });

  it("takes relative paths from the first workspace folder, and leaves bare names for PATH", () => {
    assert.equal(expandVariables(".venv/bin/python", context), path.join("/work/app", ".venv/bin/python"));
    assert.equal(expandVariables("./tools/lambda-leak", context), path.join("/work/app", "tools/lambda-leak"));
    assert.equal(expandVariables("python3", context), "python3");
  });

  it("leaves ${workspaceFolder} alone when no folder is open (the launch then fails visibly)", () => {
    assert.equal(expandVariables("${workspaceFolder}/python", { home: "/h", env: {} }), "${workspaceFolder}/python");
  });
});

describe("findOnPath", () => {
  it("finds the first executable name in PATH order, skipping files that are not executable", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-leak-path-"));
    try {
      const first = path.join(root, "a");
      const second = path.join(root, "b");
      fs.mkdirSync(first);
      fs.mkdirSync(second);
      fs.writeFileSync(path.join(first, "python3"), "", { mode: 0o644 }); // not executable
      fs.writeFileSync(path.join(second, "python3"), "#!/bin/sh\n", { mode: 0o755 });
      fs.writeFileSync(path.join(first, "python"), "#!/bin/sh\n", { mode: 0o755 });
      const env = { PATH: [first, second].join(":") };
      assert.equal(findOnPath(["python3", "python"], env, "linux"), path.join(second, "python3"));
      assert.equal(findOnPath(["python"], env, "linux"), path.join(first, "python"));
      assert.equal(findOnPath(["python4"], env, "linux"), undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("uses PATHEXT and ; on Windows", () => {
    const seen: string[] = [];
    const found = findOnPath(["python"], { Path: "C:\\Py;C:\\Tools", PATHEXT: ".COM;.EXE" }, "win32", (candidate) => {
      seen.push(candidate);
      return candidate === "C:\\Tools\\python.EXE";
    });
    assert.equal(found, "C:\\Tools\\python.EXE");
    assert.deepEqual(seen, ["C:\\Py\\python.COM", "C:\\Py\\python.EXE", "C:\\Tools\\python.COM", "C:\\Tools\\python.EXE"]);
  });
});

describe("describeCommand", () => {
  it("quotes only the parts that need it", () => {
    assert.equal(
      describeCommand({ command: "/My Env/bin/python", args: ["-m", "lambda_leak", "server"], source: "interpreter" }),
      '"/My Env/bin/python" -m lambda_leak server',
    );
  });
});
