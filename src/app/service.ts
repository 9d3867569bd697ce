// What each half of the product hands to `serve`: a Hono app to put on its port, and a close()
// that stops its background work (outbox, scheduler) and releases its state (SQLite).
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import type { Config } from "../config";

/** What the composition root gets from the CLI: the validated config, the logger, the metrics. */
export interface ServiceDeps {
  config: Config;
  log: Logger;
  metrics: Registry;
}

export interface Service {
  app: Hono;
  close(): Promise<void>;
}
