// The outbox sender's child process (./outbox-process.ts is the parent's side): runs an
// OutboxSender (./outbox-sender.ts) over its own connection to the station store. Its log lines
// and its attempt counts go to the parent over IPC (the counts summed over ATTEMPTS_MS, so a
// drain costs the parent one message per interval, not one per delivery). It ends when asked to
// (after the deliveries in flight) or when the parent is gone (its IPC channel closed).
import { OutboxSender, type DeliveryOutcome, type SenderLog } from "./outbox-sender";
import { StationStore } from "./store";
import type { FromSender, ToSender } from "./outbox-process";

const ATTEMPTS_MS = 100;
/** Without a parent the deliveries in flight get this long to be answered and deleted. */
const ORPHAN_GRACE_MS = 500;

export function runOutboxSenderProcess(): void {
  if (process.send === undefined) throw new Error("the outbox sender process needs an IPC channel to its parent");
  // the parent died while this process was loading: its "disconnect" came before any listener
  if (!process.connected) process.exit(0);
  let sender: OutboxSender | undefined;
  let store: StationStore | undefined;
  let ending: Promise<void> | undefined;
  const counts = new Map<DeliveryOutcome, number>();
  const send = (m: FromSender) => { if (process.connected) process.send!(m); };
  const sendCounts = () => {
    if (counts.size > 0) send({ attempts: [...counts] });
    counts.clear();
  };
  const countTimer = setInterval(sendCounts, ATTEMPTS_MS).unref(); // never what keeps the process alive
  const log: SenderLog = {
    info: (fields, msg) => send({ log: { level: "info", fields, msg } }),
    warn: (fields, msg) => send({ log: { level: "warn", fields, msg } }),
    error: (fields, msg) => send({ log: { level: "error", fields, msg } }),
  };
  /** Closes the sender: waits for the deliveries in flight (each bounded by the request timeout), or
   * at most `graceMs`. */
  const end = (graceMs?: number) => ending ??= (async () => {
    const closing = sender?.close();
    if (graceMs === undefined) await closing;
    else await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs).unref())]);
    clearInterval(countTimer);
    sendCounts();
    store?.close();
  })();
  process.on("message", (m: ToSender) => {
    if ("start" in m && sender === undefined) {
      const s = m.start;
      store = new StationStore(s.dbFile, { synchronous: s.synchronous });
      // The service's checkpointer thread (./wal-checkpointer.ts) moves the WAL into the file, or
      // the service's own commits when it cannot. SQLite's default here checkpointed inside the
      // sender's delete commits whenever the WAL held 1,000 pages, which it does under load: ~14
      // page writes and 0.1 fsync per delivery, the drain's main cost (docs/stations.md § Outbox
      // backlog and drain (issue 17 part 2), fifth step).
      store.db.pragma("wal_autocheckpoint = 0");
      sender = new OutboxSender({
        store, endpoint: s.endpoint, timeoutMs: s.timeoutMs, maxBackoffMs: s.maxBackoffMs, log,
        onAttempt: (outcome) => counts.set(outcome, (counts.get(outcome) ?? 0) + 1),
      });
      sender.start();
    } else if ("wake" in m) sender?.wake();
    else if ("close" in m) void end().then(() => process.disconnect());
  });
  process.on("disconnect", () => void end(ORPHAN_GRACE_MS).then(() => process.exit(0)));
}
