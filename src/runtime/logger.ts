// Structured logs: JSON lines to stdout (journald) and, when configured, to a log file.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(opts: { level?: string; file?: string; name?: string } = {}): Logger {
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ fd: 1, sync: false }) }];
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: opts.file, mkdir: true, sync: false }) });
  }
  return pino({ level: opts.level ?? "info", name: opts.name ?? "rb-aioutliers", base: { pid: process.pid } },
    pino.multistream(streams));
}

/** A logger that drops everything: for tests and CLI subcommands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
