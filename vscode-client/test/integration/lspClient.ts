/**
 * A minimal LSP client for the integration test: spawns a server command, speaks JSON-RPC over its
 * stdio with vscode-languageserver-protocol, answers the server's requests the way the extension does,
 * and keeps what the server said (messages, stderr) for assertions and failure reports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  ConfigurationRequest,
  createProtocolConnection,
  RegistrationRequest,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  type ConfigurationParams,
  type ProtocolConnection,
  type ShowMessageParams,
} from "vscode-languageserver-protocol/node";
import type { ServerCommand } from "../../src/launch";

export class LspProcess {
  readonly connection: ProtocolConnection;
  readonly messages: ShowMessageParams[] = [];
  /** How many `workspace/configuration` requests the server made (and got answers to). */
  configurationRequests = 0;
  stderr = "";
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(command: ServerCommand, cwd: string, answerConfiguration: (params: ConfigurationParams) => unknown[]) {
    this.child = spawn(command.command, command.args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    if (!this.child.stdout || !this.child.stdin) {
      throw new Error("the server has no stdio pipes");
    }
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests += 1;
      return answerConfiguration(params);
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.connection.onRequest("workspace/diagnostic/refresh", () => null);
    this.connection.onNotification(ShowMessageNotification.type, (params) => {
      this.messages.push(params);
    });
    this.connection.listen();
  }

  /** shutdown + exit, then the process's exit code (killed after 10 s). */
  async close(): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill(), 10_000);
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
      return await this.exited;
    } finally {
      clearTimeout(timer);
      this.connection.dispose();
    }
  }

  kill(): void {
    this.child.kill();
  }
}
