// What each half of the product hands to `serve`: a Hono app to put on its port, and a close()
// that stops its background work (outbox, scheduler) and releases its state (SQLite).
import type { Hono } from "hono";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { StatusParts } from "./console-files";

/** What the composition root gets from the CLI: the validated config, the logger, the metrics,
 * and GET /status's parts, which each half adds to and both ports answer. */
export interface ServiceDeps {
  config: Config;
  log: Logger;
  metrics: Registry;
  statusParts: StatusParts;
}

export interface Service {
  app: Hono;
  close(): Promise<void>;
}
