// Logs for journald and a terminal: to stdout (the journal) and, when configured, to a log file.
// `json` (default): one JSON object per line, level names ("info", "warn") and ISO 8601 UTC times,
// so `journalctl -u rb-aioutliers` and log shippers read them as they are; `text`: one readable
// line per entry (./log-text.ts).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { textStream } from "./log-text";

export type { Logger };
export type LogFormat = "json" | "text";

export interface LoggerOptions {
  level?: string;
  file?: string;
  name?: string;
  format?: LogFormat;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const destinations = [pino.destination({ fd: 1, sync: false })];
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    destinations.push(pino.destination({ dest: opts.file, mkdir: true, sync: false }));
  }
  const streams = destinations.map((d) => ({ stream: opts.format === "text" ? textStream(d) : d }));
  return pino({
    level: opts.level ?? "info", name: opts.name ?? "rb-aioutliers", base: { pid: process.pid },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, pino.multistream(streams));
}

/** A logger that drops everything: for tests and CLI subcommands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
