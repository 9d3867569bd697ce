// `rb-aioutliers healthcheck`: GET /health on both ports of the service that the same config
// describes; exit 0 when both answer 200. It is the container image's health check
// (build/image.mjs), so the image needs no curl or shell.
import { parseArgs } from "node:util";
import type { Command } from "./command";
import { UsageError } from "./command";
import { readConfig, type Config } from "../config";
import { EXIT_FAILURE, EXIT_OK } from "./exit-codes";

export const healthcheckCommand: Command = {
  name: "healthcheck",
  summary: "probe /health on both ports of a running service (exit 0 when both answer 200)",
  help: `Usage: rb-aioutliers healthcheck [--config FILE] [--traffic-port N] [--station-port N] [--timeout-ms N]

Reads the configuration as serve does (FILE, then the environment) and sends
GET /health to the traffic port and to the station port, at the address each
binds to (127.0.0.1 for 0.0.0.0, ::1 for ::). Prints one line per port with
the status and the body. Exit code 0 when both answer 200 (a station API that
reports "degraded" still answers 200: the service is up); 1 when either does
not answer 200 within the timeout (default 3000 ms). The container image runs
it as its health check, so the image needs no curl.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv, strict: true,
      options: {
        config: { type: "string" }, "traffic-port": { type: "string" }, "station-port": { type: "string" },
        "timeout-ms": { type: "string" },
      },
    });
    const timeoutMs = Number(values["timeout-ms"] ?? 3000);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new UsageError(`--timeout-ms must be a whole number of milliseconds >= 1, got ${values["timeout-ms"]}`);
    const overrides: Record<string, Record<string, unknown>> = {};
    if (values["traffic-port"] !== undefined) overrides.OutliersServerProduction = { outliers_server_port: values["traffic-port"] };
    if (values["station-port"] !== undefined) overrides.Stations = { port: values["station-port"] };
    const { config } = readConfig({ file: values.config, env: process.env, overrides });
    const results = await Promise.all(healthUrls(config).map(async ({ api, url }) => {
      const r = await probe(url, timeoutMs);
      console.log(`${api} ${url} ${r.status ?? "no answer"} ${r.text}`);
      return r.status === 200;
    }));
    return results.every(Boolean) ? EXIT_OK : EXIT_FAILURE;
  },
};

/** The /health URL of each API: its binding address, or loopback when it binds every address. */
export function healthUrls(config: Config): { api: string; url: string }[] {
  const at = (host: string, port: number) => {
    const h = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "::1" : host;
    return `http://${h.includes(":") ? `[${h}]` : h}:${port}/health`;
  };
  return [
    { api: "traffic", url: at(config.OutliersServerProduction.outliers_binding_address, config.OutliersServerProduction.outliers_server_port) },
    { api: "station", url: at(config.Stations.binding_address, config.Stations.port) },
  ];
}

async function probe(url: string, timeoutMs: number): Promise<{ status?: number; text: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, text: (await res.text()).slice(0, 500) };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { text: cause ?? (e as Error).message };
  }
}
