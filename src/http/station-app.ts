// The station API (port 8080, DESIGN §4). Placeholder until the station service lands (issue 3).
import { Hono } from "hono";
import type { Service, ServiceDeps } from "./service";
import { makeErrorHandler, notFoundHandler } from "./error-handler";

export async function createStationService(deps: ServiceDeps): Promise<Service> {
  const app = new Hono();
  app.onError(makeErrorHandler(deps.log));
  app.notFound(notFoundHandler);
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/metrics", async (c) => c.text(await deps.metrics.metrics(), 200, { "content-type": deps.metrics.contentType }));
  return { app, close: async () => {} };
}
