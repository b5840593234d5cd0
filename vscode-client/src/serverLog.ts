/**
 * The server's stderr, line by line, at the level the server logged it. vscode-languageclient logs
 * every stderr line as `[error]`, so a pygls warning ("Cancel notification for unknown message id")
 * looked like a failure. The server's log lines read `lambda-leak LEVEL logger: message`; the lines
 * that follow one (a traceback) keep its level. No `vscode` import: unit-tested directly.
 */
export type LogLevel = "error" | "warn" | "info" | "debug";

const PREFIX = /^lambda-leak (CRITICAL|ERROR|WARNING|INFO|DEBUG) /;
const LEVELS: Record<string, LogLevel> = { CRITICAL: "error", ERROR: "error", WARNING: "warn", INFO: "info", DEBUG: "debug" };

export interface LevelledLog {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** Turns stderr lines into log calls; anything before the first prefixed line is an error (a crash). */
export class ServerLogReader {
  private level: LogLevel = "error";

  constructor(private readonly log: LevelledLog) {}

  levelOf(line: string): LogLevel {
    const match = PREFIX.exec(line);
    if (match?.[1]) {
      this.level = LEVELS[match[1]] ?? "error";
    }
    return this.level;
  }

  line(line: string): void {
    this.log[this.levelOf(line)](line);
  }
}
