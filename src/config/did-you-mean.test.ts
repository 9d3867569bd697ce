import { test } from "uvu";
import * as assert from "uvu/assert";
import { editDistance, nearest } from "./did-you-mean";

test("edit distance counts inserts, deletes and substitutions", () => {
  assert.is(editDistance("levl", "level"), 1);
  assert.is(editDistance("kitten", "sitting"), 3);
  assert.is(editDistance("", "abc"), 3);
  assert.is(editDistance("same", "same"), 0);
  assert.is(editDistance("prot", "port"), 1, "a swap of neighbours is one edit");
});

test("nearest suggests a typo's word, case-insensitively, and nothing for a different word", () => {
  assert.is(nearest("levl", ["log_file", "level"]), "level");
  assert.is(nearest("logger", ["Logger", "Druid"]), "Logger");
  assert.is(nearest("druid_endpont", ["druid_endpoint", "timeout_ms"]), "druid_endpoint");
  assert.is(nearest("colour", ["port", "body_limit"]), undefined);
  assert.is(nearest("x", ["y"]), "y", "one letter may differ in a short name");
});

test.run();
