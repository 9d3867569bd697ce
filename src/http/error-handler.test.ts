import { test } from "uvu";
import * as assert from "uvu/assert";
import { errorResponse } from "./error-handler";
import { BadRequestError, PayloadTooLargeError } from "./errors";
import { Base64FieldError } from "./base64-field";
import { ModelInputError } from "../detect/model-catalog";
import { DruidError, type DruidErrorKind } from "../druid/druid-error";
import { GranularityError } from "../druid/granularity";
import { TimeseriesError } from "../druid/timeseries";
import { StationError, StationNotInitializedError } from "../stations/station-errors";

test("every Druid failure is a 502 except an empty answer, which is the query's fault (400)", () => {
  const kinds: DruidErrorKind[] = ["unreachable", "timeout", "too-large", "bad-answer", "empty"];
  for (const kind of kinds) {
    const r = errorResponse(new DruidError(kind, `the broker: ${kind}`))!;
    assert.is(r.status, kind === "empty" ? 400 : 502, kind);
    assert.equal(r.body, { status: "error", msg: `the broker: ${kind}` });
  }
});

test("stations: an unknown station is the original's 404 body, an unknown variable a 400", () => {
  assert.equal(errorResponse(new StationNotInitializedError("s1")), {
    status: 404, body: { status: "Station not initialized", msg: 'station "s1" is not initialized; POST /initialize first' },
  });
  assert.is(errorResponse(new StationError("variable-unknown", "v"))!.status, 400);
});

test("model input and bad request fields are 400s with their message; HttpErrors keep their status", () => {
  for (const e of [new ModelInputError("m"), new Base64FieldError("b"), new GranularityError("g"), new TimeseriesError("t"), new BadRequestError("r")])
    assert.equal(errorResponse(e), { status: 400, body: { status: "error", msg: e.message } }, e.name);
  const big = errorResponse(new PayloadTooLargeError(10, "[Stations] body_limit"))!;
  assert.equal(big, { status: 413, body: { status: "error", msg: "request body is larger than the limit of 10 bytes ([Stations] body_limit)" } });
});

test("anything else is a fault of ours: no answer here (the handler logs it and says 500)", () => {
  assert.is(errorResponse(new Error("disk I/O error")), undefined);
  assert.is(errorResponse(new RangeError("x")), undefined);
});

test.run();
