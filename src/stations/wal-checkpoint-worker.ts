// Worker thread entry of the WAL checkpointer (./wal-checkpointer.ts): its own connection to the
// station database, so that copying the WAL into the database and fsyncing it happen beside the
// event loop, not inside a request's commit. Messages in: {mode: "PASSIVE" | "RESTART"}; out: the
// checkpoint's {busy, log, checkpointed} (frames, https://sqlite.org/pragma.html#pragma_wal_checkpoint),
// or {error}. {close: true} closes the connection and ends the thread.
import { parentPort, workerData } from "node:worker_threads";
import { openSqlite } from "../runtime/sqlite";

const db = openSqlite((workerData as { file: string }).file);
// RESTART waits for the writer (the service's connection) to finish its transaction
db.pragma("busy_timeout = 5000");

parentPort!.on("message", (m: { mode?: "PASSIVE" | "RESTART"; close?: boolean }) => {
  if (m.close) {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    const [r] = db.pragma(`wal_checkpoint(${m.mode === "RESTART" ? "RESTART" : "PASSIVE"})`) as { busy: number; log: number; checkpointed: number }[];
    parentPort!.postMessage(r);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
