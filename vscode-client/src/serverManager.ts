/**
 * The server's lifecycle: resolve the command, check it, start a client, restart on demand (debounced
 * for bursts of settings changes), stop. Start/stop calls are queued so two restarts never overlap.
 * The language client itself comes from a factory, so tests drive this with a fake one.
 */
import { describeCommand, type ServerCommand } from "./launch";
import type { ProbeResult } from "./probe";
import type { StatusSink } from "./status";

/** What listeners hand back (a `vscode.Disposable` or vscode-jsonrpc's). */
export interface Disposable {
  dispose(): void;
}

export type ClientState = "starting" | "running" | "stopped";

/** The parts of a `LanguageClient` the extension uses. */
export interface ManagedClient {
  start(): Promise<void>;
  stop(): Promise<void>;
  onStateChange(listener: (state: ClientState) => void): Disposable;
  sendNotification(method: string, params: unknown): Promise<void>;
  sendRequest<R>(method: string, params: unknown): Promise<R>;
}

export interface ServerManagerDeps {
  /** Undefined when no program to run was found. */
  resolveCommand(): Promise<ServerCommand | undefined>;
  probe(command: ServerCommand): Promise<ProbeResult>;
  createClient(command: ServerCommand): ManagedClient;
  isEnabled(): boolean;
  status: StatusSink;
  onProblem(problem: Exclude<ProbeResult, { kind: "ok" }> | { kind: "no-python" }, command?: ServerCommand): void;
  log(message: string): void;
}

export const RESTART_DELAY_MS = 500;

export class ServerManager {
  private client: ManagedClient | undefined;
  private clientListener: Disposable | undefined;
  private queue: Promise<void> = Promise.resolve();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private currentCommand: ServerCommand | undefined;

  constructor(private readonly deps: ServerManagerDeps) {}

  /** The running client, for requests; undefined while stopped. */
  get activeClient(): ManagedClient | undefined {
    return this.client;
  }

  get command(): ServerCommand | undefined {
    return this.currentCommand;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    this.cancelScheduledRestart();
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<void> {
    this.cancelScheduledRestart();
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  /** Many settings events in a row (typing a path in the Settings UI) become one restart. */
  scheduleRestart(delayMs: number = RESTART_DELAY_MS): void {
    this.cancelScheduledRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, delayMs);
  }

  /** Sends changed settings to the running server; no-op while stopped. */
  async reconfigure(params: unknown): Promise<void> {
    const client = this.client;
    if (!client) {
      return;
    }
    try {
      await client.sendNotification("workspace/didChangeConfiguration", params);
    } catch (error) {
      this.deps.log(`Could not send the new settings: ${String(error)}`);
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
  }

  private cancelScheduledRestart(): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doStart(): Promise<void> {
    const { deps } = this;
    if (!deps.isEnabled()) {
      deps.status.set("disabled", 'Turned off by "lambdaLeak.enable".');
      return;
    }
    deps.status.set("starting");
    const command = await deps.resolveCommand();
    this.currentCommand = command;
    if (!command) {
      deps.status.set("error", "No Python found.");
      deps.log("No server to start: set lambdaLeak.interpreter or lambdaLeak.serverPath, or put python3 on PATH.");
      deps.onProblem({ kind: "no-python" });
      return;
    }
    const line = describeCommand(command);
    deps.log(`Server command (from ${command.source}): ${line}`);
    const probe = await deps.probe(command);
    if (probe.kind !== "ok") {
      const detail = probe.kind === "missing-module" ? `lambda-leak is not installed for ${command.python?.join(" ") ?? command.command}` : probe.detail;
      deps.status.set("error", detail);
      deps.log(`Cannot start the server: ${detail}`);
      deps.onProblem(probe, command);
      return;
    }
    const client = deps.createClient(command);
    this.client = client;
    this.clientListener = client.onStateChange((state) => {
      if (this.client !== client) {
        return;
      }
      if (state === "running") {
        deps.status.set("ready", line);
      } else if (state === "starting") {
        deps.status.set("starting", line);
      } else {
        // Not asked to stop (the listener is dropped before stop()): the server exited and the client gave up restarting it.
        deps.status.set("error", `${line}\nThe server stopped; see the output.`);
      }
    });
    try {
      await client.start();
      deps.status.set("ready", line);
    } catch (error) {
      deps.status.set("error", `${line}\n${String(error)}`);
      deps.log(`The server did not start: ${String(error)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.clientListener?.dispose();
    this.clientListener = undefined;
    if (client) {
      try {
        await client.stop();
      } catch (error) {
        this.deps.log(`Stopping the server: ${String(error)}`);
      }
    }
    if (this.deps.status.state !== "error" && this.deps.status.state !== "disabled") {
      this.deps.status.set("stopped");
    }
  }
}
