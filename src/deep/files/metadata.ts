// A deep model's metadata file (docs/design.md § Model files): the old `.ini` keys ([Columns]
// metrics, timestamp; [General] avg_loss, std_loss, window_size, num_windows) plus
// `weekday_encoding`, which says how the weekday columns were filled when the model was trained
// (see ../features.ts).
import { parse, stringify } from "ini";
import { weekdayEncodings, type FeatureSpec, type WeekdayEncoding } from "../features";

export interface ModelMetadata extends FeatureSpec {
  avgLoss: number;
  stdLoss: number;
  windowSize: number;
  numWindows: number;
}

export class MetadataError extends Error {
  override name = "MetadataError";
}

const list = (v: unknown) => String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function finite(section: Record<string, unknown>, key: string, where: string): number {
  const v = Number(section[key]);
  if (section[key] === undefined || !Number.isFinite(v)) throw new MetadataError(`${where}: [General] ${key} must be a number, got '${section[key] ?? ""}'`);
  return v;
}

/**
 * Reads the ini text. Keys are case-insensitive (the original wrote them upper-case). Without
 * `weekday_encoding` the file is the original's, so its encoding is the original's.
 */
export function parseMetadata(text: string, where = "metadata"): ModelMetadata {
  const raw = parse(text) as Record<string, Record<string, unknown>>;
  const lower = (s: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(s ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const sections = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), lower(v)]));
  const columns = sections.columns ?? {}, general = sections.general ?? {};
  const metrics = list(columns.metrics), timestamp = list(columns.timestamp);
  if (!metrics.length) throw new MetadataError(`${where}: [Columns] metrics is empty`);
  if (timestamp[0] !== "minute") throw new MetadataError(`${where}: [Columns] timestamp must start with 'minute', got '${timestamp.join(", ")}'`);
  const windowSize = finite(general, "window_size", where), numWindows = finite(general, "num_windows", where);
  if (!Number.isInteger(windowSize) || windowSize < 1 || !Number.isInteger(numWindows) || numWindows < 1)
    throw new MetadataError(`${where}: window_size and num_windows must be positive integers`);
  const enc = String(general.weekday_encoding ?? "drop-first-present") as WeekdayEncoding;
  if (!weekdayEncodings.includes(enc)) throw new MetadataError(`${where}: [General] weekday_encoding must be one of ${weekdayEncodings.join(", ")}`);
  return {
    metrics, timestamp, weekdayEncoding: enc, windowSize, numWindows,
    avgLoss: finite(general, "avg_loss", where), stdLoss: finite(general, "std_loss", where),
  };
}

export function formatMetadata(m: ModelMetadata): string {
  return stringify({
    Columns: { metrics: m.metrics.join(", "), timestamp: m.timestamp.join(", ") },
    General: {
      avg_loss: String(m.avgLoss), std_loss: String(m.stdLoss),
      window_size: String(m.windowSize), num_windows: String(m.numWindows),
      weekday_encoding: m.weekdayEncoding,
    },
  }, { whitespace: true });
}

/** Rows in one slice: the fewest a request must have. */
export const sliceLength = (m: ModelMetadata) => m.windowSize * m.numWindows;
