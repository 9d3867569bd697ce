// `[Logger] log_format = text`: pino's JSON lines rewritten as one readable line each for a
// terminal: `2026-12-06T21:30:54.981Z WARN  downstream delivery failed station=s1 attempts=3`.
// An error's stack follows on indented lines.

const HIDDEN = new Set(["level", "time", "msg", "pid", "name"]);

function value(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** One pino JSON line (level names, ISO time) as text, ending in a newline. */
export function formatLogLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith("\n") ? line : line + "\n";
  }
  const parts = [String(o.time ?? ""), String(o.level ?? "").toUpperCase().padEnd(5), String(o.msg ?? "")];
  let stack = "";
  for (const [k, v] of Object.entries(o)) {
    if (HIDDEN.has(k)) continue;
    const err = v as { message?: unknown; stack?: unknown } | null;
    if (k === "err" && err && typeof err === "object" && typeof err.stack === "string") {
      parts.push(`err=${value(String(err.message ?? ""))}`);
      stack = "\n" + err.stack.split("\n").map((l) => `    ${l}`).join("\n");
    } else parts.push(`${k}=${value(v)}`);
  }
  return parts.filter(Boolean).join(" ") + stack + "\n";
}

interface LineStream {
  write(line: string): unknown;
  flushSync?(): void;
}

/** A stream for pino (./logger.ts) that writes each line to `dest` as text. */
export function textStream(dest: LineStream): LineStream {
  return {
    write: (line) => dest.write(formatLogLine(line)),
    flushSync: () => dest.flushSync?.(),
  };
}
