// POST /api/v1/ip_identifier (docs/design.md § IP identifier): form field `payload` holding JSON
// {"outliers": [{"timestamp", ...}], "all_ips_data": {"<ip>": [{"timestamp", "result": {"bytes"}}]}}
// (as JSON text or base64 of it), or the same object as a JSON body, directly or under
// "payload". Answers {"ips": [{"caused_by": [...]}, ...]}, one entry per outlier, as a JSON
// object (the original answered a JSON string inside JSON).
import type { Context } from "hono";
import { z } from "zod";
import { attributeOutliers } from "../detect/ip-attribution";
import { decodeBase64Text, Base64FieldError } from "./base64-field";
import { BadRequestError, HttpError } from "./errors";
import { readTrafficFields } from "./traffic-request";

/** The most IPs one answer lists, counted over all outliers (~20 MB of JSON). Outliers at one
 * instant share their list, so attribution stays linear however many there are; writing the list
 * once per outlier is what grows (100k outliers × 1,000 IPs would be gigabytes), so an answer
 * over this is refused before it is written (issue 17 part 1). */
export const MAX_ANSWER_IPS = 1_000_000;

const SHAPE = '{"outliers": [{"timestamp": "..."}], "all_ips_data": {"<ip>": [{"timestamp": "...", "result": {"bytes": <number>}}]}}';

export const ipPayloadSchema = z.object({
  outliers: z.array(z.object({ timestamp: z.string() }).passthrough()),
  all_ips_data: z.record(z.string(), z.array(z.object({
    timestamp: z.string(),
    result: z.object({ bytes: z.number().optional() }).passthrough().optional(),
  }).passthrough())),
});

function payloadJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch { /* maybe base64 of the JSON */ }
  try {
    return JSON.parse(decodeBase64Text("payload", text));
  } catch (e) {
    if (e instanceof Base64FieldError || e instanceof SyntaxError)
      throw new BadRequestError(`field "payload" is neither JSON nor base64 of JSON; send ${SHAPE}`);
    throw e;
  }
}

async function readPayload(c: Context): Promise<unknown> {
  if ((c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new BadRequestError(`the JSON body is not valid JSON; send ${SHAPE}`);
    }
    const inner = body && typeof body === "object" ? (body as { payload?: unknown }).payload : undefined;
    if (inner === undefined) return body;
    return typeof inner === "string" ? payloadJson(inner) : inner;
  }
  const { payload } = await readTrafficFields(c);
  if (payload === undefined) throw new BadRequestError(`no "payload" in the request; send form field payload=${SHAPE}`);
  return typeof payload === "string" ? payloadJson(payload) : payload;
}

/** The IPs an answer lists over all its outliers (a loop of its own for V8's OSR, docs/traffic.md). */
function listedIps(ips: readonly { caused_by: readonly string[] }[]): number {
  let listed = 0;
  for (let i = 0; i < ips.length; i++) listed += ips[i]!.caused_by.length;
  return listed;
}

export async function ipIdentifierHandler(c: Context) {
  const parsed = ipPayloadSchema.safeParse(await readPayload(c));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `field ${issue.path.join(".")}` : "the payload";
    throw new BadRequestError(`${where} is not as expected (${issue.message}); send ${SHAPE}`);
  }
  const answer = attributeOutliers(parsed.data.outliers, parsed.data.all_ips_data);
  const listed = listedIps(answer.ips);
  if (listed > MAX_ANSWER_IPS) {
    const instants = new Set(parsed.data.outliers.map((o) => o.timestamp)).size;
    throw new HttpError(422, `the answer would list ${listed} IPs over ${answer.ips.length} outliers, more than the limit of ${MAX_ANSWER_IPS}; `
      + `send each outlier time once (this request has ${answer.ips.length} outliers at ${instants} distinct times; outliers at one time get the same IPs), or split the outliers over several requests of at most ${Math.max(1, Math.floor(answer.ips.length * MAX_ANSWER_IPS / listed))} each`);
  }
  return c.json(answer);
}
