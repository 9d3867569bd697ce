// Station state survives a restart: initialize a station, feed it a block, stop the service
// (SIGTERM), start it again on the same data dir and find the station with its variables and the
// samples it has seen. Runs from source in npm test and against the installed executable in its
// chroot in npm run test:package (RB_AIOUTLIERS_CMD).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startService } from "../support/service-process";

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

type StationBody = { station: { variables: { name: string; window: number; samples_seen: number }[] } };

test("a station, its variables and the samples seen survive a restart", async () => {
  const first = await startService();
  let seen: StationBody;
  try {
    const init = await post(`${first.stationUrl}/initialize`, { id_estacio: "restart_1", variables: { temp: 16, hum: 32 } });
    assert.is(init.status, 200, await init.text());
    const mostres = Array.from({ length: 40 }, (_, i) => ({
      timestamp: `2024-01-01 00:${String(i).padStart(2, "0")}:00`, temp: 20 + Math.sin(i), hum: 50 + (i % 5),
    }));
    const det = await post(`${first.stationUrl}/detection`, { id_estacio: "restart_1", numero_mostres: mostres.length, mostres });
    assert.is(det.status, 200, await det.text());
    const before = await fetch(`${first.stationUrl}/stations/restart_1`);
    assert.is(before.status, 200);
    seen = (await before.json()) as StationBody;
  } finally {
    assert.is(await first.stop(), 0);
  }
  const second = await startService({ dataDir: first.dataDir });
  try {
    const list = (await (await fetch(`${second.stationUrl}/stations`)).json()) as { stations: { id?: string; id_estacio?: string }[] };
    assert.ok(JSON.stringify(list.stations).includes("restart_1"), JSON.stringify(list));
    const after = await fetch(`${second.stationUrl}/stations/restart_1`);
    assert.is(after.status, 200);
    const vars = ((await after.json()) as StationBody).station.variables.map((v) => [v.name, v.window, v.samples_seen]).sort();
    assert.equal(vars, seen.station.variables.map((v) => [v.name, v.window, v.samples_seen]).sort());
    assert.equal(vars.map((v) => v[2]), [40, 40]);
  } finally {
    assert.is(await second.stop(), 0);
  }
});

test.run();
