// Helpers of the traffic HTTP suites: base64, the README's example query, and curl exactly as an
// operator types it.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";

export const b64 = (x: unknown) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x), "utf8").toString("base64");

export interface ReadmeQuery {
  dataSource: string; granularity: unknown; intervals: string[]; filter: unknown; queryType: string;
  context: Record<string, unknown>; limitSpec: unknown; aggregations: unknown[]; postAggregations: unknown[];
}

/** The example query of the original README (rb-aioutliers-README.md, "Example Druid Query"), as
 * the docs' examples send it. */
export const readmeQuery: ReadmeQuery = JSON.parse(readFileSync(new URL("../../docs/examples/query.json", import.meta.url), "utf8"));

export interface CurlResult { status: number; body: any }

/** Runs `curl -s -X POST <args> <url>` and returns the status and the parsed JSON body. */
export function curl(url: string, args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile("curl", ["-s", "-X", "POST", "-w", "\n%{http_code}", ...args, url], { maxBuffer: 64 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf("\n");
      resolve({ status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) });
    });
  });
}

export async function postForm(url: string, fields: Record<string, string>): Promise<CurlResult> {
  const res = await fetch(url, { method: "POST", body: new URLSearchParams(fields) });
  return { status: res.status, body: await res.json() };
}

export async function postJson(url: string, body: unknown): Promise<CurlResult> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** A response message must never leak a stack trace or a local path. */
export function leaksInternals(msg: string): boolean {
  return /\n\s+at |\.ts:\d|node_modules|\/work\/|\/home\/|\/tmp\/|\/usr\/|file:\/\//.test(msg);
}

/** n one-minute rows of `bytes` from 2024-05-20 00:00Z, a daily wave with a deterministic wiggle. */
export function minuteRows(n: number, start = Date.UTC(2024, 4, 20)) {
  return Array.from({ length: n }, (_, i) => ({
    timestamp: new Date(start + i * 60_000).toISOString(),
    result: { bytes: Math.round(1e6 * (2 + Math.sin((2 * Math.PI * i) / 1440)) + 2e4 * Math.sin(i * 12.9898) * Math.cos(i * 78.233)) },
  }));
}
