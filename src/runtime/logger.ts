// Logs for journald and a terminal: to stdout (the journal) and, when configured, to a log file.
// `json` (default): one JSON object per line, level names ("info", "warn") and ISO 8601 UTC times,
// so `journalctl -u rb-aioutliers` and log shippers read them as they are; `text`: one readable
// line per entry (./log-text.ts). The access log (./access-log.ts) has a logger of its own whose
// lines are held up to ACCESS_HOLD_MS and written together (./line-batch.ts); every other line is
// written at once, after the access lines before it.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import { LineBatch } from "./line-batch";
import { textStream } from "./log-text";

export type { Logger };
export type LogFormat = "json" | "text";

export interface LoggerOptions {
  level?: string;
  file?: string;
  name?: string;
  format?: LogFormat;
}

/** At most this long, or ACCESS_HOLD_CHARS, do access lines wait (and a kill -9 loses). */
export const ACCESS_HOLD_MS = 100;
const ACCESS_HOLD_CHARS = 8192;

export interface Logs {
  log: Logger;
  /** For the access log only. */
  access: Logger;
}

export function createLogs(opts: LoggerOptions = {}): Logs {
  // Held lines are written when the process ends, before pino's own exit handlers flush (at exit)
  // or end (before exit) the destinations: registered first, these run first.
  const batches: LineBatch[] = [];
  const flush = () => { for (const b of batches) b.flush(); };
  process.on("beforeExit", flush);
  process.once("exit", flush);
  const destinations = [pino.destination({ fd: 1, sync: false })];
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    destinations.push(pino.destination({ dest: opts.file, mkdir: true, sync: false }));
  }
  batches.push(...destinations.map((d) => new LineBatch(d, ACCESS_HOLD_CHARS, ACCESS_HOLD_MS)));
  const stream = (line: (b: LineBatch, text: string) => void) => {
    const perBatch = batches.map((b) => {
      const raw = { write: (text: string) => line(b, text) };
      return opts.format === "text" ? textStream(raw) : raw;
    });
    return { write: (text: string) => { for (const s of perBatch) s.write(text); }, flush: (cb?: () => void) => { flush(); cb?.(); } };
  };
  const options: pino.LoggerOptions = {
    level: opts.level ?? "info", name: opts.name ?? "rb-aioutliers", base: { pid: process.pid },
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return {
    log: pino(options, stream((b, text) => b.write(text))),
    access: pino(options, stream((b, text) => b.hold(text))),
  };
}

/** A logger that drops everything: for tests and CLI subcommands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
