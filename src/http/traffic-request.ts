// Reads the fields of a traffic API request from any of the bodies the API accepts:
// application/x-www-form-urlencoded (curl -d, the original's form), multipart/form-data
// (curl -F, values or uploaded files) and application/json. A body without a content type is
// read as a form, as curl -d would have sent it. The body limit is enforced before this runs.
import type { Context } from "hono";
import { isAscii } from "node:buffer";
import { z } from "zod";
import { decodeFormBase64 } from "./form-base64";
import { BadRequestError, UnsupportedMediaTypeError } from "./errors";
import { bodyBytes } from "./request-body";

/** Text fields of the request; in JSON bodies `query` and `data` may also be given as JSON
 * values (an object / an array) instead of base64 strings. */
export interface TrafficFields {
  query?: string | Record<string, unknown>;
  /** In a form body, the bytes `data` is base64 of when its base64 was decoded on the way
   * (./form-base64.ts); else its text. */
  data?: string | unknown[] | DecodedBytes;
  model?: string;
  /** A name for the posted `data`'s series (plain text): the default model then remembers it. */
  series?: string;
  payload?: string | Record<string, unknown>;
}

/** The bytes a base64 field was decoded to. */
export class DecodedBytes {
  constructor(readonly bytes: Buffer) {}
}

const ACCEPTED_TYPES = "application/x-www-form-urlencoded, multipart/form-data or application/json";

/** The fields as a JSON body sends them; a form sends the same names as base64 strings (/openapi.json). */
export const trafficFieldsSchema = z.object({
  query: z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
    .meta({ description: "base64 of a Druid timeseries query (in JSON also the query object); the broker is asked for its rows" }),
  data: z.union([z.string(), z.array(z.unknown())]).optional()
    .meta({ description: "base64 of a Druid timeseries response [{\"timestamp\", \"result\": {...}}] (in JSON also the array); used instead of asking the broker" }),
  model: z.string().optional().meta({ description: "base64 of a model name (GET /api/v1/models); unknown or absent: the default model" }),
  series: z.string().optional().meta({ description: "a name for the posted data's series (plain text): the default model then remembers it" }),
  payload: z.union([z.string(), z.record(z.string(), z.unknown())]).optional().meta({ description: "POST /api/v1/ip_identifier only" }),
});

/** Only `data` can be bytes (formFields decodes no other field). */
function fieldsOf(get: (name: string) => string | DecodedBytes | undefined): TrafficFields {
  const out: Record<string, string | DecodedBytes> = {};
  for (const name of ["query", "data", "model", "series", "payload"] as const) {
    const v = get(name);
    if (v !== undefined && v !== "") out[name] = v;
  }
  return out as TrafficFields;
}

function formDecode(s: string): string {
  const spaced = s.includes("+") ? s.replace(/\+/g, " ") : s;
  try {
    return spaced.includes("%") ? decodeURIComponent(spaced) : spaced;
  } catch {
    throw new BadRequestError("the form body has a bad percent-escape; send application/x-www-form-urlencoded fields (curl -d or --data-urlencode)");
  }
}

/** application/x-www-form-urlencoded → the first value of each name. URLSearchParams does the
 * same, but decodes a megabyte field several times slower than decodeURIComponent. */
export function parseForm(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    if (!out.has(name)) out.set(name, eq < 0 ? "" : formDecode(pair.slice(eq + 1)));
  }
  return out;
}

/** parseForm on the body's bytes; the first `data` value is base64-decoded in the same pass
 * (decodeFormBase64) when it can be. A body with bytes outside ASCII takes parseForm on its text. */
function formFields(body: Buffer): TrafficFields {
  if (!isAscii(body)) {
    const params = parseForm(new TextDecoder().decode(body)); // as Request.text() decodes it
    return fieldsOf((n) => params.get(n));
  }
  const values = new Map<string, string | DecodedBytes>();
  for (let at = 0; at <= body.length;) {
    let amp = body.indexOf(38 /* & */, at);
    if (amp < 0) amp = body.length;
    if (amp > at) {
      let eq = body.subarray(at, amp).indexOf(61 /* = */);
      if (eq >= 0) eq += at;
      const name = formDecode(body.toString("latin1", at, eq < 0 ? amp : eq));
      if (!values.has(name)) {
        const decoded = name === "data" && eq >= 0 ? decodeFormBase64(body, eq + 1, amp) : undefined;
        values.set(name, decoded !== undefined ? new DecodedBytes(decoded) : eq < 0 ? "" : formDecode(body.toString("latin1", eq + 1, amp)));
      }
    }
    at = amp + 1;
  }
  return fieldsOf((n) => values.get(n));
}

export async function readTrafficFields(c: Context): Promise<TrafficFields> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "" || type === "application/x-www-form-urlencoded") return formFields(await bodyBytes(c));
  if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new BadRequestError("the multipart body could not be read; send fields query, data or model as multipart/form-data parts");
    }
    const values = new Map<string, string>();
    for (const name of ["query", "data", "model", "series", "payload"]) {
      const v = form.get(name);
      if (v === null) continue;
      values.set(name, typeof v === "string" ? v : await v.text());
    }
    return fieldsOf((n) => values.get(n));
  }
  if (type === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new BadRequestError('the JSON body is not valid JSON; send {"query": "<base64>"} or {"data": "<base64>"}, optionally with "model"');
    }
    const parsed = trafficFieldsSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length ? `field "${issue.path.join(".")}"` : "the JSON body";
      throw new BadRequestError(`${where} has the wrong type; send a JSON object whose query, data and model are base64 strings`);
    }
    return parsed.data;
  }
  throw new UnsupportedMediaTypeError(`content type ${type.slice(0, 80)} is not accepted; send ${ACCEPTED_TYPES}`);
}
