// Request schemas of the station API (docs/design.md § Station requests). Every rule says what is
// accepted, so a 400 names the field and the accepted form. The original server accepted anything
// and failed later (a string value killed a variable for good, `_` in ids broke restarts); here
// nothing unvalidated gets past the edge.
import { z } from "zod";
import { pipelineNameList } from "../detect/pipeline-registry";
import { ISO_TIME_FORMS, isIsoTime, isoTimeMs } from "../detect/iso-time";
import type { DetectionRequest, InitializeRequest, MaintenanceRequest, Sample } from "../stations/requests";
import { eventKinds } from "../stations/station-records";
import { BadRequestError } from "./errors";

export const MIN_WINDOW = 8;
export const MAX_WINDOW = 4096;
export const MAX_ID_CHARS = 128;
export const MAX_VARIABLES = 256;
export const MAX_SAMPLES_PER_BLOCK = 100_000;
/** Beyond this a float64 no longer holds integers exactly and the Kalman variances lose meaning. */
export const MAX_ABS_VALUE = 1e15;

/** Letters and digits of any script, `_`, `-`, `.`, `:` and `@` (ids travel in URL paths and logs). */
const STATION_ID_RE = /^[\p{L}\p{N}\p{M}_.:@-]+$/u;
const STATION_ID_RULE = `a string of 1-${MAX_ID_CHARS} characters: letters or digits (any script), '_', '-', '.', ':', '@'`;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const VARIABLE_RULE = `a string of 1-${MAX_ID_CHARS} characters without control characters, not "timestamp" or "values"`;
const VALUE_RULE = "a finite number with |value| <= 1e15";
const TIMESTAMP_RULE = `a date-time string ${ISO_TIME_FORMS}`;

export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  const text = JSON.stringify(v) ?? String(v);
  return `${typeof v} ${text.length > 40 ? text.slice(0, 40) + "…" : text}`;
}

const chars = (s: string) => [...s].length;
/** 1 to MAX_ID_CHARS characters (code points); a string of at most that many UTF-16 units is not
 * spread to count them. */
const idLength = (s: string) => s.length >= 1 && (s.length <= MAX_ID_CHARS || chars(s) <= MAX_ID_CHARS);

function isStationId(v: string): boolean {
  return idLength(v) && STATION_ID_RE.test(v);
}

export const stationIdSchema = z.unknown().superRefine((v, ctx) => {
  if (typeof v !== "string") {
    ctx.addIssue({ code: "custom", message: `must be ${STATION_ID_RULE} (got ${describeValue(v)}${typeof v === "number" ? "; numeric ids are not accepted, send it as a string" : ""})` });
  } else if (!isStationId(v)) {
    ctx.addIssue({ code: "custom", message: `must be ${STATION_ID_RULE} (got ${chars(v)} characters: ${describeValue(v)})` });
  }
}).transform((v) => v as string)
  // What /openapi.json says of it (./openapi.ts); the refinement above is what is enforced.
  .meta({ type: "string", minLength: 1, maxLength: MAX_ID_CHARS, pattern: STATION_ID_RE.source, description: `the station id: ${STATION_ID_RULE}` });

export function isVariableName(v: string): boolean {
  return idLength(v) && !CONTROL_RE.test(v) && v !== "timestamp" && v !== "values";
}

const windowSchema = z.unknown().superRefine((v, ctx) => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < MIN_WINDOW || v > MAX_WINDOW)
    ctx.addIssue({ code: "custom", message: `window must be an integer in [${MIN_WINDOW}, ${MAX_WINDOW}] (got ${describeValue(v)})` });
}).transform((v) => v as number)
  .meta({ type: "integer", minimum: MIN_WINDOW, maximum: MAX_WINDOW, description: "the variable's window (maximum window length of the original server)" });

/** A new station's id: also not "." or "..", which URL paths resolve away (/stations/.. is
 * /), so such a station could be listed but never read or deleted. */
const newStationIdSchema = stationIdSchema.superRefine((v, ctx) => {
  if (v === "." || v === "..") ctx.addIssue({ code: "custom", message: `must not be "." or ".." (URL paths resolve them away, so the station could not be read or deleted); got ${JSON.stringify(v)}` });
});

export const initializeSchema = z.object({
  id_estacio: newStationIdSchema,
  variables: z.record(z.string(), windowSchema, { error: (i) => `must be an object {"<variable>": <window>} (got ${describeValue(i.input)})` })
    .superRefine((vars, ctx) => {
      const names = Object.keys(vars);
      if (names.length === 0) ctx.addIssue({ code: "custom", message: `must name at least one variable, e.g. {"var_1": 32}` });
      if (names.length > MAX_VARIABLES) ctx.addIssue({ code: "custom", message: `at most ${MAX_VARIABLES} variables per station (got ${names.length})` });
      for (const n of names) if (!isVariableName(n)) ctx.addIssue({ code: "custom", path: [n], message: `variable name must be ${VARIABLE_RULE}` });
    }),
  pipeline: z.enum(pipelineNameList, { error: (i) => `must be one of ${pipelineNameList.join(", ")} (got ${describeValue(i.input)})` }).optional(),
}, { error: (i) => `body must be a JSON object {"id_estacio": ..., "variables": {...}} (got ${describeValue(i.input)})` }).strict() satisfies z.ZodType<InitializeRequest, unknown>;

/** Where a reader says what is wrong (the path within its value, and the message). */
type Issue = (path: (string | number)[], message: string) => void;

/** A sample as the API takes it, or undefined when it is not one: each problem goes to `issue`
 * (sampleSchema's); without `issue` the reading stops at the first (readDetection's quick path,
 * which then leaves the body to the schema to say what is wrong). No closure is made per sample:
 * a /detection block reads ten. */
function readSample(raw: unknown, issue?: Issue): Sample | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    issue?.([], `each sample must be an object {"timestamp": ..., "values": {"<variable>": <number>}} or {"timestamp": ..., "<variable>": <number>} (got ${describeValue(raw)})`);
    return undefined;
  }
  let problems = 0;
  const obj = raw as Record<string, unknown>;
  const ts = obj.timestamp;
  if (typeof ts !== "string" || !isIsoTime(ts)) {
    if (!issue) return undefined;
    issue(["timestamp"], `must be ${TIMESTAMP_RULE} (got ${describeValue(ts)})`);
    problems++;
  }
  const values: Sample["values"] = [];
  let source: Record<string, unknown>, prefix: string[];
  if ("values" in obj) {
    for (const k of Object.keys(obj)) {
      if (k === "timestamp" || k === "values") continue;
      if (!issue) return undefined;
      issue([k], `a sample with "values" takes only "timestamp" and "values"; put every variable inside "values"`);
      problems++;
      break;
    }
    if (obj.values === null || typeof obj.values !== "object" || Array.isArray(obj.values)) {
      issue?.(["values"], `must be an object {"<variable>": <number>} (got ${describeValue(obj.values)})`);
      return undefined;
    }
    source = obj.values as Record<string, unknown>; prefix = ["values"];
  } else {
    source = obj; prefix = [];
  }
  for (const [name, v] of Object.entries(source)) {
    if (prefix.length === 0 && name === "timestamp") continue;
    if (!isVariableName(name)) {
      if (!issue) return undefined;
      issue([...prefix, name], `variable name must be ${VARIABLE_RULE}`);
      problems++;
    } else if (typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= MAX_ABS_VALUE) {
      values.push([name, v]);
    } else {
      if (!issue) return undefined;
      issue([...prefix, name], `must be ${VALUE_RULE} (got ${describeValue(v)})`);
      problems++;
    }
  }
  if (values.length === 0 && problems === 0) {
    issue?.(prefix, "the sample has no variable values");
    return undefined;
  }
  return problems === 0 ? { timestamp: ts as string, values } : undefined;
}

const sampleSchema = z.unknown().transform((raw, ctx): Sample =>
  readSample(raw, (path, message) => ctx.addIssue({ code: "custom", path, message })) ?? z.NEVER,
).meta({
  description: `a sample: ${TIMESTAMP_RULE} and each variable's value (${VALUE_RULE}), nested under "values" or beside "timestamp"`,
  anyOf: [
    { type: "object", properties: { timestamp: { type: "string" }, values: { type: "object", additionalProperties: { type: "number" } } }, required: ["timestamp", "values"], additionalProperties: false },
    { type: "object", properties: { timestamp: { type: "string" } }, required: ["timestamp"], additionalProperties: { type: "number" } },
  ],
});

export const detectionSchema = z.object({
  id_estacio: stationIdSchema,
  numero_mostres: z.unknown().optional().superRefine((v, ctx) => {
    if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= 1))
      ctx.addIssue({ code: "custom", message: `must be a positive integer, the number of samples in "mostres" (got ${describeValue(v)})` });
  }).transform((v) => v as number | undefined).meta({ type: "integer", minimum: 1, description: 'the number of samples in "mostres" (checked when given)' }),
  mostres: z.array(sampleSchema, { error: (i) => `must be an array of samples (got ${describeValue(i.input)})` })
    .min(1, { error: `must hold at least one sample` })
    .max(MAX_SAMPLES_PER_BLOCK, { error: `at most ${MAX_SAMPLES_PER_BLOCK} samples per block` }),
}, { error: (i) => `body must be a JSON object {"id_estacio": ..., "numero_mostres": N, "mostres": [...]} (got ${describeValue(i.input)})` })
  .strict()
  .superRefine((b, ctx) => {
    if (b.numero_mostres !== undefined && b.numero_mostres !== b.mostres.length)
      ctx.addIssue({ code: "custom", path: ["numero_mostres"], message: `is ${b.numero_mostres} but "mostres" holds ${b.mostres.length} samples; they must match` });
  }) satisfies z.ZodType<DetectionRequest, unknown>;

/** A /detection body validated: detectionSchema's answer. The usual body, every field as the
 * schema accepts it, is read without zod (~25 µs a block of 10 samples less; docs/stations.md §
 * Floor (issue 17 part 3), session 13) into the same object; any other goes through the schema,
 * which names what is wrong. */
export function readDetection(body: unknown): DetectionRequest {
  return quickDetection(body) ?? parseOrThrow(detectionSchema, body);
}

/** The body as detectionSchema reads it, if it is valid; undefined otherwise. */
export function quickDetection(body: unknown): DetectionRequest | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== "id_estacio" && key !== "numero_mostres" && key !== "mostres") return undefined;
  const { id_estacio: id, numero_mostres: count, mostres } = b;
  if (typeof id !== "string" || !isStationId(id)) return undefined;
  if (!Array.isArray(mostres) || mostres.length < 1 || mostres.length > MAX_SAMPLES_PER_BLOCK) return undefined;
  const counted = "numero_mostres" in b;
  if (counted && count !== undefined && count !== mostres.length) return undefined; // mostres.length is a positive integer
  const samples: Sample[] = new Array(mostres.length);
  for (let i = 0; i < mostres.length; i++) {
    const sample = readSample(mostres[i]);
    if (sample === undefined) return undefined;
    samples[i] = sample;
  }
  return counted ? { id_estacio: id, numero_mostres: count as number | undefined, mostres: samples } : { id_estacio: id, mostres: samples };
}

// The read side's queries (outliers; issue 15: history, events) and maintenance windows. Query
// strings arrive as strings.

const SINCE_RULE = `a sample time ${ISO_TIME_FORMS}, or epoch milliseconds`;
/** `since`: a sample time or epoch ms, as epoch ms; absent = from the start. */
const sinceSchema = z.string().optional().transform((v, ctx) => {
  if (v === undefined) return 0;
  const ms = /^\d+$/.test(v) ? Number(v) : isoTimeMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `must be ${SINCE_RULE} (got ${describeValue(v)})` });
    return z.NEVER;
  }
  return ms;
}).meta({ type: "string", description: `samples at or after this time: ${SINCE_RULE}` });
export const MAX_PAGE = 100_000;
const limitSchema = z.string().optional().transform((v, ctx) => {
  const n = Number(v ?? "1000");
  if (!/^\d+$/.test(v ?? "1000") || n < 1 || n > MAX_PAGE) {
    ctx.addIssue({ code: "custom", message: `must be an integer in [1, ${MAX_PAGE}] (got ${describeValue(v)})` });
    return z.NEVER;
  }
  return n;
}).meta({ type: "integer", minimum: 1, maximum: MAX_PAGE, default: 1000, description: "at most this many rows a page" });
/** `cursor`: the `next_cursor` of the previous page; absent = the first page. */
const cursorSchema = z.string().optional().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) {
    ctx.addIssue({ code: "custom", message: `must be the next_cursor of the previous page, a non-negative integer (got ${describeValue(v)})` });
    return z.NEVER;
  }
  return Number(v);
}).meta({ type: "string", description: "the next_cursor of the previous page" });

/** GET /stations/:id/outliers?since=&limit= (other parameters are ignored, as they always were) */
export const outliersQuerySchema = z.object({ since: sinceSchema, limit: limitSchema });

/** GET /stations/:id/history?variable=&since=&limit=&cursor= */
export const historyQuerySchema = z.object({
  variable: z.string({ error: "is required: the variable whose history to read" }).refine(isVariableName, { message: `must be a variable name, ${VARIABLE_RULE}` }),
  since: sinceSchema,
  limit: limitSchema,
  cursor: cursorSchema,
}).strict();

/** GET /stations/:id/events?since=&kind=&limit=&cursor= */
export const eventsQuerySchema = z.object({
  since: sinceSchema,
  kind: z.enum(eventKinds, { error: (i) => `must be one of ${eventKinds.join(", ")} (got ${describeValue(i.input)})` }).optional(),
  limit: limitSchema,
  cursor: cursorSchema,
}).strict();

/** Maintenance windows begin and end within these years (a wrong century is a typo). */
const MAINTENANCE_YEARS = [2000, 2100] as const;
/** The longest maintenance window: a year. A longer one is better said by removing the station. */
const MAX_MAINTENANCE_MS = 366 * 24 * 3_600_000;
const MAX_REASON_CHARS = 500;
const maintenanceTime = z.string({ error: (i) => `must be ${TIMESTAMP_RULE} (got ${describeValue(i.input)})` }).superRefine((v, ctx) => {
  const ms = isoTimeMs(v);
  if (ms === undefined) ctx.addIssue({ code: "custom", message: `must be ${TIMESTAMP_RULE} (got ${describeValue(v)})` });
  else if (ms < Date.UTC(MAINTENANCE_YEARS[0], 0, 1) || ms >= Date.UTC(MAINTENANCE_YEARS[1], 0, 1))
    ctx.addIssue({ code: "custom", message: `must be within the years ${MAINTENANCE_YEARS[0]}-${MAINTENANCE_YEARS[1] - 1} (got ${describeValue(v)})` });
});

/** POST /stations/:id/maintenance {from, to, variables?, reason} */
export const maintenanceSchema = z.object({
  from: maintenanceTime,
  to: maintenanceTime,
  variables: z.array(z.string().refine(isVariableName, { message: `variable name must be ${VARIABLE_RULE}` }), { error: (i) => `must be an array of variable names, or omitted for all (got ${describeValue(i.input)})` })
    .min(1, { error: `must name at least one variable, or be omitted for all` })
    .max(MAX_VARIABLES, { error: `at most ${MAX_VARIABLES} variables` })
    .refine((v) => new Set(v).size === v.length, { message: "names a variable twice" })
    .optional(),
  reason: z.string({ error: (i) => `must be a string saying why (got ${describeValue(i.input)})` })
    .refine((v) => chars(v.trim()) >= 1 && chars(v) <= MAX_REASON_CHARS && !CONTROL_RE.test(v), { message: `must be 1-${MAX_REASON_CHARS} characters without control characters` }),
}, { error: (i) => `body must be a JSON object {"from": ..., "to": ..., "variables"?: [...], "reason": ...} (got ${describeValue(i.input)})` })
  .strict()
  .superRefine((b, ctx) => {
    const from = isoTimeMs(b.from), to = isoTimeMs(b.to);
    if (from === undefined || to === undefined) return;
    if (to <= from) ctx.addIssue({ code: "custom", path: ["to"], message: `must be after "from" (the window is [from, to) of sample time; got from ${b.from}, to ${b.to})` });
    else if (to - from > MAX_MAINTENANCE_MS) ctx.addIssue({ code: "custom", path: ["to"], message: `the window is ${((to - from) / 86_400_000).toFixed(1)} days long; at most 366 days` });
  }) satisfies z.ZodType<MaintenanceRequest, unknown>;

/** The :wid of /stations/:id/maintenance/:wid. */
export const maintenanceIdSchema = z.object({
  wid: z.string().regex(/^[1-9]\d{0,14}$/, { message: "must be a maintenance window id, a positive integer (GET /stations/:id/maintenance lists them)" }).transform(Number)
    .meta({ type: "string", description: "a maintenance window id" }),
});

function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function formatIssue(issue: z.core.$ZodIssue, accepted: string[]): string {
  const where = issue.path.length ? `${formatPath(issue.path)}: ` : "";
  if (issue.code === "unrecognized_keys")
    return `${where}unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; accepted fields: ${accepted.join(", ")}`;
  return `${where}${issue.message}`;
}

/** Validates with a schema; the first problems (up to 3) become one 400 message. */
export function parseOrThrow<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues;
  const accepted = Object.keys((schema as unknown as { shape?: object }).shape ?? {});
  const shown = issues.slice(0, 3).map((i) => formatIssue(i, accepted)).join("; ");
  throw new BadRequestError(issues.length > 3 ? `${shown}; and ${issues.length - 3} more problem(s)` : shown);
}
