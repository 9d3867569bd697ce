// readDetection's quick path against detectionSchema: valid blocks of every form are read without
// the schema into the same object (deep equal, the same keys); any body the schema refuses is
// left to it. Checked on hand-picked bodies and on random changes of valid ones.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MAX_ID_CHARS, detectionSchema, parseOrThrow, quickDetection, readDetection } from "./station-schemas";

const ts = (i: number) => `2021-01-01 00:${String(i % 60).padStart(2, "0")}:00`;
const nested = (n: number, id = "st_1") => ({ id_estacio: id, numero_mostres: n, mostres: Array.from({ length: n }, (_, i) => ({ timestamp: ts(i), values: { v32: i * 1.5, v128: -i, v256: 1e15 } })) });
const flat = (n: number) => ({ id_estacio: "estació_ü:1@x.y-z", mostres: Array.from({ length: n }, (_, i) => ({ timestamp: `2021-01-01T00:00:0${i % 10}.5+01:00`, "temp_ºC": i, "a b": -0 })) });
const astral = "𝒳".repeat(MAX_ID_CHARS); // 128 characters, 256 UTF-16 units

const valid: unknown[] = [
  nested(1), nested(10), flat(3), nested(2, astral),
  { mostres: [{ timestamp: "2021-01-01", values: { [astral]: 1 } }], id_estacio: "x" },
  { id_estacio: "x", numero_mostres: undefined, mostres: [{ timestamp: ts(0), values: { a: 1 } }] },
  { id_estacio: "x", mostres: [{ values: { a: 1 }, timestamp: ts(0) }, { timestamp: ts(1), b: 2, c: 3 }] },
];

test("valid blocks: read without the schema into what the schema makes of them", () => {
  for (const body of valid) {
    const quick = quickDetection(body);
    assert.ok(quick, JSON.stringify(body).slice(0, 80));
    assert.equal(quick, detectionSchema.parse(body));
    assert.equal(Object.keys(quick!), Object.keys(detectionSchema.parse(body)));
  }
});

const odd: unknown[] = [
  null, 1, "x", [], [nested(1)], {}, { ...nested(1), pad: 1 }, { ...nested(2), numero_mostres: 3 }, { ...nested(1), numero_mostres: "1" },
  { ...nested(1), id_estacio: 1 }, { ...nested(1), id_estacio: "" }, { ...nested(1), id_estacio: "a/b" }, { ...nested(1), id_estacio: astral + "x" }, { ...nested(1), id_estacio: "x".repeat(MAX_ID_CHARS + 1) },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), ["é".repeat(MAX_ID_CHARS + 1)]: 1 }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { [astral + "𝒳"]: 1 } }] },
  { id_estacio: "x", mostres: [] }, { id_estacio: "x", mostres: {} },
  { id_estacio: "x", mostres: [null] }, { id_estacio: "x", mostres: [[1]] }, { id_estacio: "x", mostres: [{ timestamp: ts(0) }] },
  { id_estacio: "x", mostres: [{ timestamp: "2021-02-30", a: 1 }] }, { id_estacio: "x", mostres: [{ timestamp: 1, a: 1 }] },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { a: 1 }, b: 2 }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), values: [1] }] },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), values: {} }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { a: "1" } }] },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { a: 1e16 } }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { a: NaN } }] },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { "a\n": 1 } }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), values: { timestamp: 1 } }] },
  { id_estacio: "x", mostres: [{ timestamp: ts(0), values: 1 }] }, { id_estacio: "x", mostres: [{ timestamp: ts(0), [astral + "x"]: 1 }] },
  JSON.parse('{"id_estacio": "x", "mostres": [{"timestamp": "2021-01-01", "a": 1}], "__proto__": {}}'),
];

/** What readDetection answers: the request, or the 400's message. */
function outcome(body: unknown): unknown {
  try { return readDetection(body); } catch (e) { return (e as Error).message; }
}
function schemaOutcome(body: unknown): unknown {
  try { return parseOrThrow(detectionSchema, body); } catch (e) { return (e as Error).message; }
}

test("bodies the schema refuses: left to it, whose 400 names what is wrong", () => {
  for (const body of odd) {
    assert.is(quickDetection(body), undefined, JSON.stringify(body)?.slice(0, 80));
    assert.is(detectionSchema.safeParse(body).success, false);
    assert.equal(outcome(body), schemaOutcome(body));
  }
});

test("random changes of valid blocks: the quick path takes exactly the bodies the schema accepts, into the same object", () => {
  let seed = 17;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const pool: unknown[] = [null, true, 0, -1, 1, 2, 10, 1.5, 1e15, -1e15, 1e16, Infinity, NaN, "", "x", "1", "a/b", "..", "timestamp", "values", "a\u0001", astral, astral + "x",
    "2021-01-01", "2021-01-01 00:00:00", "2021-13-01", "2021-01-01T00:00:00Z", "2020-02-29 23:59:59.999", [], [1], {}, { a: 1 }, { timestamp: "2021-01-01", a: 1 }];
  const keys = ["id_estacio", "numero_mostres", "mostres", "timestamp", "values", "a", "v32", "", astral, "x\n"];
  /** Replaces, deletes or adds one thing somewhere in a copy of `body`. */
  const change = (body: unknown): unknown => {
    const copy = structuredClone(body) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (let depth = rand(4); depth > 0; depth--) {
      const ks = Object.keys(node).filter((k) => node[k] !== null && typeof node[k] === "object");
      if (ks.length === 0) break;
      node = node[ks[rand(ks.length)]!] as Record<string, unknown>;
    }
    const ks = Object.keys(node);
    const what = rand(3);
    if (what === 0 && ks.length) node[ks[rand(ks.length)]!] = pool[rand(pool.length)];
    else if (what === 1 && ks.length) delete node[ks[rand(ks.length)]!];
    else if (Array.isArray(node)) node.push(pool[rand(pool.length)]);
    else node[keys[rand(keys.length)]!] = pool[rand(pool.length)];
    return copy;
  };
  let accepted = 0;
  for (let i = 0; i < 6000; i++) {
    const body = change(valid[rand(valid.length)]);
    const quick = quickDetection(body), parsed = detectionSchema.safeParse(body);
    assert.is(quick !== undefined, parsed.success, JSON.stringify(body)?.slice(0, 200));
    if (parsed.success) { accepted++; assert.equal(quick, parsed.data); assert.equal(Object.keys(quick!), Object.keys(parsed.data)); }
    else assert.equal(outcome(body), schemaOutcome(body));
  }
  assert.ok(accepted > 500 && accepted < 5500, `both kinds tried (${accepted} accepted)`);
});

test.run();
