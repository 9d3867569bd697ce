import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { blockHash, journalRow, sameBlock } from "./block-hash";
import type { Sample } from "./requests";

const block: Sample[] = [
  { timestamp: "2021-01-01T00:00:00Z", values: [["a", 1.5], ["b", -2]] },
  { timestamp: "2021-01-01T00:01:00Z", values: [["a", 0.1]] },
];

test("the journal row is the samples as [timestamp, values] pairs", () => {
  assert.is(journalRow(block), '[["2021-01-01T00:00:00Z",[["a",1.5],["b",-2]]],["2021-01-01T00:01:00Z",[["a",0.1]]]]');
});

test("the same samples hash alike; any change of a time, a value or a variable does not", () => {
  const hash = blockHash(journalRow(block));
  assert.ok(sameBlock(hash, blockHash(journalRow(structuredClone(block))), block));
  const changed: Sample[][] = [
    [{ ...block[0]!, timestamp: "2021-01-01T00:00:01Z" }, block[1]!],
    [block[0]!, { ...block[1]!, values: [["a", 0.1000001]] }],
    [block[0]!, { ...block[1]!, values: [["c", 0.1]] }],
    [block[0]!],
  ];
  for (const other of changed) assert.not.ok(sameBlock(hash, blockHash(journalRow(other)), other), JSON.stringify(other));
});

test("a receipt of the earlier form (sha256 of the samples' JSON) is recognised, and only for its samples", () => {
  const legacy = createHash("sha256").update(JSON.stringify(block)).digest("hex");
  assert.ok(sameBlock(legacy, blockHash(journalRow(block)), block));
  const other: Sample[] = [block[0]!];
  assert.not.ok(sameBlock(legacy, blockHash(journalRow(other)), other));
});

test.run();
