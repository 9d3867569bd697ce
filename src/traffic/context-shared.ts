// What the context pool (./context-pool.ts) and its thread (./context-worker.ts) share: the
// control words and the columns, in SharedArrayBuffers.

/** Int32 control words: the job's sequence number (the main thread raises it to start a job),
 * its row count, the rows done (the thread raises it as it goes), whether the thread waits for
 * jobs, a stop request, and who claimed the job (0 nobody yet, THREAD or REQUEST: the request's
 * thread takes back a job the thread has not begun by the time it needs the first terms). */
export const JOB = 0, STEPS = 1, DONE = 2, READY = 3, STOP = 4, CLAIM = 5, CONTROL_WORDS = 6;
export const THREAD = 1, REQUEST = 2;

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
