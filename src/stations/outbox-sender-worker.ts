// Worker thread entry of the outbox sender (./outbox-thread.ts): the OutboxSender of
// ./outbox-sender.ts on a connection of its own to the station database, so that deliveries (the
// HTTP client, the reads of due entries, the batched deletes) run beside the event loop that
// answers /detection, not in it. The two connections write the same file: SQLite serialises them
// (WAL; a writer that finds the other in a transaction waits, busy_timeout 5 s, both short).
// Messages in: {wake: true} (entries were committed), {close: true}; out: {log: line} (pino JSON,
// re-emitted by the parent's logger), {attempts: {outcome: count}} (every 200 ms at most), then
// {closed: true}.
import { parentPort, workerData } from "node:worker_threads";
import pino from "pino";
import type { Synchronous } from "../runtime/sqlite";
import { OutboxSender, type DeliveryOutcome } from "./outbox-sender";
import { StationStore } from "./store";

export interface SenderWorkerData {
  file: string;
  synchronous: Synchronous;
  endpoint: string;
  timeoutMs: number;
  maxBackoffMs: number;
}
export type SenderMessageIn = { wake: true } | { close: true };
export type SenderMessageOut = { log: string } | { attempts: Partial<Record<DeliveryOutcome, number>> } | { closed: true };

const REPORT_MS = 200;

const port = parentPort!;
const post = (m: SenderMessageOut) => port.postMessage(m);
const d = workerData as SenderWorkerData;
const store = new StationStore(d.file, { synchronous: d.synchronous });
store.db.pragma("busy_timeout = 5000");
// checkpoints are the WAL checkpointer's (./wal-checkpointer.ts), as on the service's connection
store.db.pragma("wal_autocheckpoint = 0");
const log = pino({ level: "debug" }, { write: (line: string) => post({ log: line }) });

let attempts: Partial<Record<DeliveryOutcome, number>> = {};
let reportTimer: NodeJS.Timeout | undefined;
const report = () => {
  clearTimeout(reportTimer);
  reportTimer = undefined;
  if (Object.keys(attempts).length > 0) post({ attempts });
  attempts = {};
};

const sender = new OutboxSender({
  store, endpoint: d.endpoint, timeoutMs: d.timeoutMs, maxBackoffMs: d.maxBackoffMs, log,
  onAttempt: (outcome) => {
    attempts[outcome] = (attempts[outcome] ?? 0) + 1;
    reportTimer ??= setTimeout(report, REPORT_MS);
  },
});

port.on("message", (m: SenderMessageIn) => {
  if ("wake" in m) sender.wake();
  else void sender.close().then(() => {
    store.close();
    report();
    post({ closed: true });
    port.close();
  });
});
sender.start();
