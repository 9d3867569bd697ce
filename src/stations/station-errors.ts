// Why a station request cannot be applied, as the station API's callers need to tell apart. The
// messages say what to send instead; src/http/error-handler.ts maps the kinds to statuses.

/** A store's disk fault (the station store's and the traffic series memory's), re-exported for
 * src/http, which does not import src/runtime. */
export { StorageError } from "../runtime/storage-health";

export type StationErrorKind =
  /** The station was never initialized (or was deleted): POST /initialize first. */
  | "not-initialized"
  /** A sample names a variable the station was not initialized with. */
  | "variable-unknown"
  /** A sample is older than its variable's last applied sample ([Stations] accept_older_samples). */
  | "older-sample"
  /** An Idempotency-Key names the station's last block, but the samples differ. */
  | "key-reused"
  /** A maintenance window names a variable the station lacks, overlaps another, or is one too many. */
  | "window-refused"
  /** A block whose estimated CPU time is over [Stations] max_block_cpu_ms (./block-cost.ts). */
  | "too-costly";

export class StationError extends Error {
  constructor(readonly kind: StationErrorKind, message: string) {
    super(message);
  }
  override name = "StationError";
}

export class StationNotInitializedError extends StationError {
  constructor(readonly stationId: string) {
    super("not-initialized", `station ${JSON.stringify(stationId)} is not initialized; POST /initialize first`);
  }
  override name = "StationNotInitializedError";
}
