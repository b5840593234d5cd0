import * as assert from "node:assert/strict";
import type { ServerCommand } from "../../src/launch";
import type { ProbeResult } from "../../src/probe";
import { ServerManager, type ClientState, type ManagedClient, type ServerManagerDeps } from "../../src/serverManager";
import type { ServerState, StatusSink } from "../../src/status";

const command: ServerCommand = { command: "/venv/bin/python", args: ["-m", "lambda_leak", "server"], source: "interpreter", python: ["/venv/bin/python"] };
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

class FakeClient implements ManagedClient {
  private listeners: ((state: ClientState) => void)[] = [];
  notifications: { method: string; params: unknown }[] = [];
  constructor(
    private readonly events: string[],
    private readonly failStart = false,
  ) {}
  async start(): Promise<void> {
    this.events.push("start:begin");
    this.emit("starting");
    await tick(5);
    if (this.failStart) {
      this.emit("stopped");
      throw new Error("spawn failed");
    }
    this.emit("running");
    this.events.push("start:end");
  }
  async stop(): Promise<void> {
    this.events.push("stop:begin");
    await tick(5);
    this.events.push("stop:end");
  }
  onStateChange(listener: (state: ClientState) => void) {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }
  emit(state: ClientState): void {
    this.listeners.forEach((listener) => listener(state));
  }
  sendNotification(method: string, params: unknown): Promise<void> {
    this.notifications.push({ method, params });
    return Promise.resolve();
  }
  sendRequest<R>(): Promise<R> {
    return Promise.reject(new Error("not used"));
  }
}

class Status implements StatusSink {
  history: ServerState[] = [];
  details: (string | undefined)[] = [];
  get state(): ServerState {
    return this.history.at(-1) ?? "stopped";
  }
  set(state: ServerState, detail?: string): void {
    this.history.push(state);
    this.details.push(detail);
  }
}

function setup(overrides: Partial<ServerManagerDeps> & { probeResult?: ProbeResult; failStart?: boolean } = {}) {
  const events: string[] = [];
  const clients: FakeClient[] = [];
  const problems: unknown[] = [];
  const status = new Status();
  const manager = new ServerManager({
    resolveCommand: () => Promise.resolve(command),
    probe: () => Promise.resolve(overrides.probeResult ?? { kind: "ok" }),
    createClient: () => {
      const client = new FakeClient(events, overrides.failStart);
      clients.push(client);
      return client;
    },
    isEnabled: () => true,
    status,
    onProblem: (problem) => problems.push(problem),
    log: () => undefined,
    ...overrides,
  });
  return { manager, events, clients, problems, status };
}

describe("ServerManager", () => {
  it("starts a client for the resolved command and shows it ready", async () => {
    const { manager, clients, status } = setup();
    await manager.start();
    assert.equal(clients.length, 1);
    assert.equal(manager.activeClient, clients[0]);
    assert.deepEqual(status.history, ["starting", "starting", "ready", "ready"]);
    assert.equal(status.details.at(-1), "/venv/bin/python -m lambda_leak server");
  });

  it("reports a missing module once, starts no client and shows the error", async () => {
    const { manager, clients, problems, status } = setup({ probeResult: { kind: "missing-module", python: ["/venv/bin/python"] } });
    await manager.start();
    assert.equal(clients.length, 0);
    assert.deepEqual(problems, [{ kind: "missing-module", python: ["/venv/bin/python"] }]);
    assert.equal(status.state, "error");
    assert.match(status.details.at(-1) ?? "", /lambda-leak is not installed for \/venv\/bin\/python/);
  });

  it("reports when there is no Python at all", async () => {
    const { manager, problems, status } = setup({ resolveCommand: () => Promise.resolve(undefined) });
    await manager.start();
    assert.deepEqual(problems, [{ kind: "no-python" }]);
    assert.equal(status.state, "error");
  });

  it("shows an error when the client fails to start, and when the server dies later", async () => {
    const failing = setup({ failStart: true });
    await failing.manager.start();
    assert.equal(failing.status.state, "error");
    assert.match(failing.status.details.at(-1) ?? "", /spawn failed/);

    const dying = setup();
    await dying.manager.start();
    dying.clients[0]?.emit("stopped");
    assert.equal(dying.status.state, "error");
  });

  it("starts nothing while disabled", async () => {
    const { manager, clients, status } = setup({ isEnabled: () => false });
    await manager.start();
    assert.equal(clients.length, 0);
    assert.equal(status.state, "disabled");
  });

  it("never overlaps a stop with a start, however restarts are called", async () => {
    const { manager, events } = setup();
    await manager.start();
    events.length = 0;
    await Promise.all([manager.restart(), manager.restart()]);
    assert.deepEqual(events, ["stop:begin", "stop:end", "start:begin", "start:end", "stop:begin", "stop:end", "start:begin", "start:end"]);
  });

  it("turns a burst of scheduled restarts into one", async () => {
    const { manager, clients, events } = setup();
    await manager.start();
    events.length = 0;
    for (let i = 0; i < 5; i++) {
      manager.scheduleRestart(20);
      await tick(2);
    }
    assert.deepEqual(events, []);
    await tick(80);
    assert.deepEqual(events, ["stop:begin", "stop:end", "start:begin", "start:end"]);
    assert.equal(clients.length, 2);
  });

  it("ignores state changes from a client it already replaced", async () => {
    const { manager, clients, status } = setup();
    await manager.start();
    await manager.restart();
    clients[0]?.emit("stopped");
    assert.equal(status.state, "ready");
  });

  it("sends new settings to the running server only", async () => {
    const { manager, clients } = setup();
    await manager.reconfigure({ settings: {} }); // stopped: nothing to send to, no error
    await manager.start();
    await manager.reconfigure({ settings: { lambdaLeak: { run: "onSave" } } });
    assert.deepEqual(clients[0]?.notifications, [{ method: "workspace/didChangeConfiguration", params: { settings: { lambdaLeak: { run: "onSave" } } } }]);
    await manager.stop();
    assert.equal(manager.activeClient, undefined);
  });
});
