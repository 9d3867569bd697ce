// The traffic API (port 39091, DESIGN §3). Placeholder until the traffic API lands (issue 4).
import { Hono } from "hono";
import type { Service, ServiceDeps } from "./service";
import { makeErrorHandler, notFoundHandler } from "./error-handler";

export async function createTrafficService(deps: ServiceDeps): Promise<Service> {
  const app = new Hono();
  app.onError(makeErrorHandler(deps.log));
  app.notFound(notFoundHandler);
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/metrics", async (c) => c.text(await deps.metrics.metrics(), 200, { "content-type": deps.metrics.contentType }));
  return { app, close: async () => {} };
}
