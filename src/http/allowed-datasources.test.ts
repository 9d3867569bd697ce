import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkDataSource } from "./allowed-datasources";
import { HttpError } from "./errors";

const status = (query: Record<string, unknown>, allowed: string[]) => {
  try {
    checkDataSource(query, allowed);
    return 200;
  } catch (e) {
    return (e as HttpError).status;
  }
};

test("names, tables and unions of allowed tables pass; anything else is a 403 (or 400 without a dataSource)", () => {
  const allowed = ["rb_flow", "rb_event"];
  assert.is(status({ dataSource: "rb_flow" }, allowed), 200);
  assert.is(status({ dataSource: { type: "table", name: "rb_event" } }, allowed), 200);
  assert.is(status({ dataSource: { type: "union", dataSources: ["rb_flow", { type: "table", name: "rb_event" }] } }, allowed), 200);
  assert.is(status({ dataSource: "rb_secret" }, allowed), 403);
  assert.is(status({ dataSource: { type: "union", dataSources: ["rb_flow", "rb_secret"] } }, allowed), 403);
  assert.is(status({ dataSource: { type: "query", query: { dataSource: "rb_secret" } } }, allowed), 403);
  assert.is(status({ dataSource: { type: "join", left: "rb_flow", right: "rb_secret" } }, allowed), 403);
  assert.is(status({}, allowed), 400);
  assert.is(status({ dataSource: { type: "query", query: {} } }, ["*"]), 200);
});

test("the 403 names the setting and what it allows", () => {
  try {
    checkDataSource({ dataSource: "rb_secret" }, ["rb_flow"]);
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'dataSource "rb_secret" may not be read: [Druid] allowed_datasources allows "rb_flow"');
  }
});

test.run();
