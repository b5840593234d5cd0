/** The status bar item: what the server is doing; a click shows the log. */
import * as vscode from "vscode";

export type ServerState = "starting" | "ready" | "error" | "stopped" | "disabled";

const LOOK: Record<ServerState, { icon: string; text: string }> = {
  starting: { icon: "$(loading~spin)", text: "starting" },
  ready: { icon: "$(check)", text: "ready" },
  error: { icon: "$(error)", text: "error" },
  stopped: { icon: "$(circle-slash)", text: "stopped" },
  disabled: { icon: "$(circle-slash)", text: "disabled" },
};

export interface StatusSink {
  set(state: ServerState, detail?: string): void;
  readonly state: ServerState;
}

export class StatusBar implements StatusSink, vscode.Disposable {
  private current: ServerState = "stopped";

  constructor(private readonly item: vscode.StatusBarItem, showOutputCommand: string) {
    item.name = "Lambda Leak";
    item.command = showOutputCommand;
    this.set("stopped");
    item.show();
  }

  get state(): ServerState {
    return this.current;
  }

  set(state: ServerState, detail?: string): void {
    this.current = state;
    const look = LOOK[state];
    this.item.text = `${look.icon} Lambda Leak`;
    this.item.tooltip = `Lambda Leak: ${look.text}${detail ? `\n${detail}` : ""}\nClick to show the server log.`;
    this.item.backgroundColor = state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    this.item.accessibilityInformation = { label: `Lambda Leak ${look.text}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
