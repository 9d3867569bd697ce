// What the context pool (./context-pool.ts) and its thread (./context-worker.ts) share: the
// control words and the columns, in SharedArrayBuffers.

/** Int32 control words: the job's sequence number (the main thread raises it to start a job),
 * its row count, the rows done (the thread raises it as it goes), whether the thread waits for
 * jobs, and a stop request. */
export const JOB = 0, STEPS = 1, DONE = 2, READY = 3, STOP = 4, CONTROL_WORDS = 5;

/** Rows done between the thread's reports of progress. */
export const PROGRESS_ROWS = 256;

/** The five columns of `capacity` rows over one buffer: the inputs, then the terms. */
export function columnsOf(buffer: SharedArrayBuffer, capacity: number) {
  const at = (k: number) => new Float64Array(buffer, k * capacity * 8, capacity);
  return { values: at(0), seconds: at(1), novelty: at(2), seasonal: at(3), scale: at(4) };
}

export function columnsBuffer(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(5 * capacity * 8);
}
