// The floor of the station bench (issue 17 part 3): what any Node service with our stack pays per
// block before it detects anything. A bare Hono route on @hono/node-server that reads the same
// /detection body, validates it with the same zod schema (src/http/station-schemas.ts) and commits
// one SQLite row (the body's samples, like our journal row) in WAL mode with synchronous = NORMAL
// (our default); /initialize only answers. Run by stations.bench.ts as a child process:
// node --import tsx test/bench/station-floor.ts <data dir>; prints {"port": N} once listening (also
// by ./stations-paired.ts, through ./station-client.ts).
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { openSqlite } from "../../src/runtime/sqlite";
import { detectionSchema } from "../../src/http/station-schemas";

const db = openSqlite(join(process.argv[2]!, "floor.sqlite"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec("CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, station_id TEXT NOT NULL, samples TEXT NOT NULL)");
const insert = db.prepare("INSERT INTO blocks (station_id, samples) VALUES (?, ?)");
const commit = db.transaction((id: string, samples: string) => insert.run(id, samples));

const app = new Hono();
app.post("/initialize", (c) => c.json({ status: "Ok" }));
app.post("/detection", async (c) => {
  const parsed = detectionSchema.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ status: "error", msg: parsed.error.message }, 400);
  commit.immediate(parsed.data.id_estacio, JSON.stringify(parsed.data.mostres));
  return c.json({ status: "Ok", outliers: [] });
});
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => console.log(JSON.stringify({ port: info.port })));
