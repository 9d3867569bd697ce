// Waiting in a test for what comes asynchronously (a log line, a delivery, a state), with a bound:
// a test fails fast, naming what it waited for, and never hangs.

/** Polls `get` every `everyMs` ms until it gives something other than undefined or false, and
 * resolves to that; rejects after `ms` ms with "timed out after … waiting for <what>". */
export async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
