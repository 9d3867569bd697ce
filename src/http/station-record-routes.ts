// The station API's records (issue 15 parts 2-4; docs/stations.md § History, events and maintenance
// windows): a variable's recent history, the station's events, its maintenance windows. Pages
// go by cursor: an answer's `next_cursor` (null on the last page) asks for the next one.
import { Hono, type MiddlewareHandler } from "hono";
import { BadRequestError, NotFoundError } from "./errors";
import { eventsQuerySchema, historyQuerySchema, maintenanceIdSchema, maintenanceSchema, parseOrThrow } from "./station-schemas";
import { idParam, readJson } from "./station-request";
import { windowView } from "../stations/maintenance";
import type { StationRegistry } from "../stations/station-registry";
import type { StationStore } from "../stations/store";

const iso = (ms: number) => new Date(ms).toISOString();

/** `limit`: the station port's body limit. */
export function stationRecordRoutes(store: StationStore, registry: StationRegistry, limit: MiddlewareHandler): Hono {
  const app = new Hono();
  /** The path's station, which must exist. */
  const station = (c: Parameters<typeof idParam>[0]) => {
    const id = idParam(c);
    if (!registry.has(id)) throw new NotFoundError(`no station ${JSON.stringify(id)}; GET /stations lists them`);
    return id;
  };

  app.get("/stations/:id/history", (c) => {
    const id = station(c);
    const q = parseOrThrow(historyQuerySchema, c.req.query());
    const names = store.variableMeta(id).map((v) => v.name);
    if (!names.includes(q.variable))
      throw new BadRequestError(`variable: ${JSON.stringify(q.variable)} is not a variable of station ${JSON.stringify(id)} (its variables: ${names.map((n) => JSON.stringify(n)).join(", ")})`);
    const rows = store.records.history(id, q.variable, q.cursor ?? 0, q.since, q.limit);
    return c.json({
      status: "Ok", id_estacio: id, variable: q.variable,
      // What is kept per variable ([Stations] history_samples); 0: history is off, none is kept.
      history_samples: registry.historySamples,
      history: rows.map((h) => ({ sample: h.seq, timestamp: h.timestamp, value: h.value, score: h.score, label: h.label })),
      next_cursor: rows.length === q.limit ? rows[rows.length - 1]!.seq : null,
    });
  });

  app.get("/stations/:id/events", (c) => {
    const id = station(c);
    const q = parseOrThrow(eventsQuerySchema, c.req.query());
    const rows = store.records.events(id, q.kind, q.cursor ?? Number.MAX_SAFE_INTEGER, q.since, q.limit);
    return c.json({
      status: "Ok", id_estacio: id,
      events: rows.map((e) => ({ id: e.id, kind: e.kind, variable: e.variable, timestamp: e.timestamp, recorded_at: iso(e.recorded_ms), detail: JSON.parse(e.detail) as unknown })),
      next_cursor: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    });
  });

  app.get("/stations/:id/maintenance", (c) => {
    const id = station(c);
    return c.json({ status: "Ok", id_estacio: id, windows: registry.maintenanceWindows(id).map(windowView) });
  });
  app.post("/stations/:id/maintenance", limit, async (c) => {
    const id = station(c);
    const req = parseOrThrow(maintenanceSchema, await readJson(c));
    return c.json({ status: "Ok", window: windowView(registry.addMaintenance(id, req)) }, 201);
  });
  app.delete("/stations/:id/maintenance/:wid", (c) => {
    const id = station(c);
    const { wid } = parseOrThrow(maintenanceIdSchema, { wid: c.req.param("wid") });
    if (!registry.deleteMaintenance(id, wid)) throw new NotFoundError(`station ${JSON.stringify(id)} has no maintenance window ${wid}; GET /stations/${encodeURIComponent(id)}/maintenance lists them`);
    return c.json({ status: "Ok" });
  });
  return app;
}
