// The outbox sender's child process (issue 17 part 2; src/stations/outbox-process.ts) against the
// real service: deliveries arrive from it, it is started again when it dies (and what was queued
// meanwhile arrives), it is not started without an endpoint, and it does not outlive a service
// killed with -9 (its IPC channel closes); a child that cannot start is started again less and
// less often.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { until } from "../support/until";
import { OutboxProcess } from "../../src/stations/outbox-process";
import { alive, outboxSenders } from "../support/process-tree";
import { startService, type RunningService } from "../support/service-process";
import { Downstream } from "./downstream";
import { blockBody, postJson } from "./stream";

const CONFIG = "[Stations]\ndefault_pipeline = kalman-batch\n";


async function send(svc: RunningService, id: string, from: number, blocks: number): Promise<void> {
  for (let b = 0; b < blocks; b++) assert.is((await postJson(svc.stationUrl, "/detection", blockBody(id, from + b * 10, 10, ["a"]))).status, 200);
}

const validates = (down: Downstream) => new Set(down.received.filter((r) => r.path === "/outliers/validate").map((r) => r.key)).size;

test("deliveries come from a child process that is restarted when it dies and ends with a service killed -9", async () => {
  const down = await Downstream.start("ok");
  const svc = await startService({ configIni: CONFIG, env: { DATA_SERVER_ENDPOINT: down.url } });
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "s1", variables: { a: 8 } })).status, 200);
    await send(svc, "s1", 0, 5);
    await until("5 blocks delivered", () => validates(down) === 5, 30_000);
    const [first, ...others] = outboxSenders(svc.child.pid!);
    assert.ok(first !== undefined && others.length === 0, `one sender process: ${first} ${others}`);

    process.kill(first!, "SIGKILL");
    await send(svc, "s1", 50, 5); // queued while no sender runs, or after the new one started
    await until("the sender started again", () => outboxSenders(svc.child.pid!).some((p) => p !== first), 30_000);
    await until("the 5 later blocks delivered too", () => validates(down) === 10, 30_000);
    assert.match(svc.output(), /the outbox sender process ended; starting it again/);

    const second = outboxSenders(svc.child.pid!)[0]!;
    await svc.kill9();
    await until("the sender ends with its service", () => !alive(second), 10_000);
  } finally {
    await svc.stop();
    await down.close();
  }
});

test("no sender process without an endpoint", async () => {
  const svc = await startService({ configIni: CONFIG, env: { DATA_SERVER_ENDPOINT: "" } });
  try {
    assert.is((await postJson(svc.stationUrl, "/initialize", { id_estacio: "s1", variables: { a: 8 } })).status, 200);
    await send(svc, "s1", 0, 2);
    assert.equal(outboxSenders(svc.child.pid!), []);
  } finally {
    await svc.stop();
  }
});

test("a sender process that cannot start is started again after waits that double", async () => {
  const restarts: number[] = [];
  const log = pino({ level: "error" }, { write: (line: string) => {
    const j = JSON.parse(line) as { restartInMs?: number };
    if (j.restartInMs !== undefined) restarts.push(j.restartInMs);
  } });
  // its store's "directory" is a file: every child dies as it opens the store
  const notADir = join(mkdtempSync(join(tmpdir(), "rbao-sender-")), "file");
  writeFileSync(notADir, "");
  const dbFile = join(notADir, "stations.sqlite");
  const sender = new OutboxProcess({
    settings: { dbFile, synchronous: "normal", endpoint: "http://127.0.0.1:9", timeoutMs: 1000, maxBackoffMs: 1000 },
    log, onAttempts: () => {}, restartMs: 100, stableMs: 60_000,
  });
  sender.start();
  try {
    await until("three failed starts", () => restarts.length >= 3, 30_000);
    assert.equal(restarts.slice(0, 3), [100, 200, 400]);
  } finally {
    await sender.close();
  }
});

test.run();
