// truncateCorpus: the short-file view of the corpus that `bench:nab -- --rows N` scores.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { truncateCorpus, type Corpus } from "./corpus";

const file = (name: string, length: number, windows: [number, number][]) => ({
  name, category: "c", base: name, length, windows,
  timestamps: Array.from({ length }, (_, i) => `t${i}`), values: Float64Array.from({ length }, (_, i) => i),
});

test("cuts every file to its first rows; keeps the windows that start within them, cut at the last row", () => {
  const corpus: Corpus = { dir: "d", profiles: {}, windowCount: 4, files: [file("a", 10, [[1, 2], [6, 9]]), file("b", 4, [[0, 3]]), file("c", 10, [[8, 9]])] };
  const cut = truncateCorpus(corpus, 7);
  assert.equal(cut.files.map((f) => [f.name, f.length, f.windows, f.values.length, f.timestamps.length]), [
    ["a", 7, [[1, 2], [6, 6]], 7, 7],
    ["b", 4, [[0, 3]], 4, 4],
    ["c", 7, [], 7, 7],
  ]);
  assert.is(cut.windowCount, 3);
  assert.is(corpus.files[0].length, 10, "the corpus itself is unchanged");
  assert.throws(() => truncateCorpus(corpus, 0), /positive integer/);
});

test.run();
