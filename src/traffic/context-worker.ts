// The context pool's thread (./context-pool.ts): waits for a job (Atomics.wait on the job's
// sequence number), claims it unless the request's thread has taken it back, computes the context terms of its rows from a fresh state, reporting the rows
// done every PROGRESS_ROWS, and waits again. It never returns to its event loop: the pool stops it
// through the STOP word.
import { workerData } from "node:worker_threads";
import { contextTerms, newContextState } from "../detect/default-detector/context-terms";
import { DEFAULT_PARAMS } from "../detect/default-detector/detector-core";
import { CLAIM, columnsOf, DONE, JOB, PROGRESS_ROWS, READY, STEPS, STOP, THREAD } from "./context-shared";

const { control: controlBuffer, columns: columnsBuffer, capacity } = workerData as { control: SharedArrayBuffer; columns: SharedArrayBuffer; capacity: number };
const control = new Int32Array(controlBuffer);
const columns = columnsOf(columnsBuffer, capacity);

// The job number is read before READY is set: a job started in between is then seen at once.
let seen = Atomics.load(control, JOB);
Atomics.store(control, READY, 1);
for (;;) {
  Atomics.wait(control, JOB, seen);
  if (Atomics.load(control, STOP)) break;
  seen = Atomics.load(control, JOB);
  if (Atomics.compareExchange(control, CLAIM, 0, THREAD) !== 0) continue; // taken back (or done) already
  const steps = Atomics.load(control, STEPS), state = newContextState(DEFAULT_PARAMS);
  for (let from = 0; from < steps; from += PROGRESS_ROWS) {
    const to = Math.min(steps, from + PROGRESS_ROWS);
    contextTerms(state, columns.values, columns.seconds, from, to, columns, DEFAULT_PARAMS);
    Atomics.store(control, DONE, to);
    Atomics.notify(control, DONE);
  }
}
