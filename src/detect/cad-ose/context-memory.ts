// CAD OSE's context memory (the original's ContextOperator; M. Smirnov, github.com/smirmik/CAD,
// contextOperator.py, as NAB ran it for its published contextOSE results).
//
// A context is a pair (left semi-context, right semi-context): a set of facts seen at one step and
// a set of sensor facts seen at the next. A fact is a number: a sensor fact (2 x bit position + bit
// value) encodes one bit of the quantised value, a neuron fact (NEURON_BASE + context id) says
// that context was active. Semi-contexts are stored once and shared; each fact lists the
// semi-contexts that contain it, so a step "crosses" its facts with memory by walking those lists.
// Every context counts how often it was active (both halves fully present).
//
// Semi-contexts are keyed by Python 2's tuple hash and each left semi-context's contexts are
// walked in Python 2 dict order (./py2-tuple-hash.ts, ./py2-int-dict.ts): both decide which
// contexts are created in which order and which are chosen when counts tie, so keeping them makes
// the port agree with NAB's published scores row by row. The original's quirk that context 0 is
// skipped like a just-created context (its "no new context" marker False equals 0) is kept too.
import { Py2IntDict } from "./py2-int-dict";
import { compareHash, py2TupleHash } from "./py2-tuple-hash";

/** Neuron facts: NEURON_BASE + context id (2^31 in the original). */
export const NEURON_BASE = 2 ** 31;

/** One side's semi-contexts, by id (creation order), as parallel arrays. */
export interface Side {
  /** The facts of each semi-context, ascending. */
  facts: number[][];
  hashHi: number[];
  hashLo: number[];
  byHash: Map<string, number>;
  /** Semi-context ids containing each sensor fact / each neuron fact (by context id). */
  bySensor: number[][];
  byNeuron: number[][];
  /** Facts of the latest crossing found in each semi-context (0 for those not in `crossed`). */
  count: number[];
  /** The ids the latest crossing touched, ascending, and that crossing's facts. */
  crossed: Int32Array;
  crossedWith: number[];
}

export interface ContextMemory {
  left: Side;
  right: Side;
  /** Per left semi-context: right semi-context id -> context id. */
  contextsOf: Py2IntDict[];
  /** Per context id: its left and right semi-context ids, how often it was active, and 1 once it
   * has been seen whole as (previous step's facts, this step's sensor facts). */
  ctxLeft: number[];
  ctxRight: number[];
  activations: number[];
  zeroLevel: number[];
  /** The context created at this step from the whole previous and current facts; 0 when none
   * (the original's False, which Python also takes for context 0). */
  newContextId: number;
}

/** A set of facts (ascending) with its Python hash as a map key: the original identifies
 * semi-contexts, and candidate contexts in its set of them, by this hash (two different fact sets
 * sharing a 64-bit hash would be one for both). */
export interface FactSet {
  facts: number[];
  key: string;
}

export type Candidate = [left: FactSet, right: FactSet];

export function factSet(facts: number[]): FactSet {
  const h = py2TupleHash(facts);
  return { facts, key: `${h.hi}:${h.lo}` };
}

function newSide(): Side {
  return { facts: [], hashHi: [], hashLo: [], byHash: new Map(), bySensor: [], byNeuron: [], count: [], crossed: new Int32Array(0), crossedWith: [] };
}

export function newContextMemory(): ContextMemory {
  return { left: newSide(), right: newSide(), contextsOf: [], ctxLeft: [], ctxRight: [], activations: [], zeroLevel: [], newContextId: 0 };
}

export function contextCount(m: ContextMemory): number {
  return m.ctxLeft.length;
}

/** Appends a semi-context (facts ascending, owned by the side from now on); returns its id. */
export function addSemiContext(m: ContextMemory, side: Side, facts: number[]): number {
  const id = side.facts.length;
  const h = py2TupleHash(facts);
  side.facts.push(facts);
  side.hashHi.push(h.hi);
  side.hashLo.push(h.lo);
  side.byHash.set(`${h.hi}:${h.lo}`, id);
  side.count.push(0);
  for (const f of facts) {
    const lists = f >= NEURON_BASE ? side.byNeuron : side.bySensor;
    const k = f >= NEURON_BASE ? f - NEURON_BASE : f;
    while (lists.length <= k) lists.push([]);
    lists[k].push(id);
  }
  if (side === m.left) m.contextsOf.push(new Py2IntDict());
  return id;
}

/** The id of the semi-context with these facts (by hash, as the original), created if new. */
function semiContextId(m: ContextMemory, side: Side, set: FactSet): number {
  return side.byHash.get(set.key) ?? addSemiContext(m, side, set.facts.slice());
}

/** Appends a context (left, right); returns its id. */
export function addContext(m: ContextMemory, left: number, right: number, zeroLevel: number, activations = 0): number {
  const id = m.ctxLeft.length;
  m.contextsOf[left].add(right, id);
  m.ctxLeft.push(left);
  m.ctxRight.push(right);
  m.activations.push(activations);
  m.zeroLevel.push(zeroLevel);
  return id;
}

/** Stores the whole context (previous facts, current sensor facts): true if it is new (and
 * remembered as this step's new context), false if known (then marked zero-level). */
export function storeZeroLevelContext(m: ContextMemory, left: FactSet, right: FactSet): boolean {
  const l = semiContextId(m, m.left, left);
  const r = semiContextId(m, m.right, right);
  const id = m.contextsOf[l].get(r);
  if (id === -1) {
    m.newContextId = addContext(m, l, r, 1);
    return true;
  }
  m.zeroLevel[id] = 1;
  return false;
}

/** Stores contexts made by crossing; returns how many were new. */
export function storeContexts(m: ContextMemory, pairs: Candidate[]): number {
  let added = 0;
  for (const [left, right] of pairs) {
    const l = semiContextId(m, m.left, left);
    const r = semiContextId(m, m.right, right);
    if (m.contextsOf[l].get(r) === -1) {
      addContext(m, l, r, 0);
      added++;
    }
  }
  return added;
}

/** Crosses `facts` (ascending) with one side: `count` becomes how many of them each semi-context
 * contains, `crossed` the ids with any, ascending (the original's creation-order walk). */
export function cross(side: Side, facts: number[]): void {
  const count = side.count;
  for (const id of side.crossed) count[id] = 0;
  const touched: number[] = [];
  for (const f of facts) {
    const list = f >= NEURON_BASE ? side.byNeuron[f - NEURON_BASE] : side.bySensor[f];
    if (list !== undefined) countFact(list, count, touched);
  }
  side.crossed = Int32Array.from(touched).sort(); // numeric, without a comparator call per pair
  side.crossedWith = facts;
}

function countFact(list: number[], count: number[], touched: number[]): void {
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (count[id]++ === 0) touched.push(id);
  }
}

/** The facts of semi-context `id` that its side's latest crossing found (both lists ascending). */
function crossedFacts(side: Side, id: number): FactSet {
  const a = side.facts[id], b = side.crossedWith;
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  return factSet(out);
}

export interface Activation {
  /** Context ids whose both halves are fully present. */
  active: number[];
  /** Contexts whose left half was fully present. */
  selected: number;
  /** Candidate new contexts: (crossed part of a left half, crossed part of a right half). */
  candidates: Candidate[];
  /** The crossed parts of the right halves, by right semi-context id, made once per step. */
  rightParts: (FactSet | undefined)[];
}

/** After the right side was crossed with the current sensor facts: among the contexts whose left
 * half the previous step's facts fully contained (selected), the active ones (right half fully
 * present too; their count goes up), and, when this step stored a new whole context, the
 * candidate new contexts that partial matches of zero-level contexts suggest (left part at most
 * maxLeftLength facts). */
export function activate(m: ContextMemory, newContext: boolean, maxLeftLength: number): Activation {
  const out: Activation = { active: [], selected: 0, candidates: [], rightParts: [] };
  const left = m.left;
  for (const l of left.crossed) {
    const lc = left.count[l];
    const full = lc === left.facts[l].length;
    const mayPropose = newContext && lc <= maxLeftLength;
    if (full) out.selected += activateFrom(m, l, mayPropose, out);
    else if (mayPropose) proposeFrom(m, l, out);
  }
  m.newContextId = 0;
  return out;
}

/** Contexts of a fully present left half: counts and lists the active ones, proposes from the
 * partly present zero-level ones; returns how many contexts it walked. */
function activateFrom(m: ContextMemory, l: number, mayPropose: boolean, out: Activation): number {
  const { keys, vals } = m.contextsOf[l].slots();
  const rightCount = m.right.count, rightFacts = m.right.facts;
  let selected = 0;
  let leftPart: FactSet | undefined;
  for (let slot = 0; slot < keys.length; slot++) {
    const r = keys[slot];
    if (r === -1) continue;
    const id = vals[slot];
    if (id === m.newContextId) continue;
    selected++;
    const rc = rightCount[r];
    if (rc === 0) continue;
    if (rc === rightFacts[r].length) {
      m.activations[id]++;
      out.active.push(id);
    } else if (mayPropose && m.zeroLevel[id] === 1) {
      leftPart ??= crossedFacts(m.left, l);
      out.candidates.push([leftPart, rightPart(m, r, out)]);
    }
  }
  return selected;
}

/** Contexts of a partly present left half: proposes from the zero-level ones whose right half is
 * partly present. */
function proposeFrom(m: ContextMemory, l: number, out: Activation): void {
  const { keys, vals } = m.contextsOf[l].slots();
  const rightCount = m.right.count;
  let leftPart: FactSet | undefined;
  for (let slot = 0; slot < keys.length; slot++) {
    const r = keys[slot];
    if (r === -1) continue;
    const id = vals[slot];
    if (id === m.newContextId || m.zeroLevel[id] !== 1 || rightCount[r] === 0) continue;
    leftPart ??= crossedFacts(m.left, l);
    out.candidates.push([leftPart, rightPart(m, r, out)]);
  }
}

function rightPart(m: ContextMemory, r: number, out: Activation): FactSet {
  return (out.rightParts[r] ??= crossedFacts(m.right, r));
}

/** Whether context a sorts after b in the original's order: activations, then the left and right
 * halves' hashes. */
function after(m: ContextMemory, a: number, b: number): boolean {
  const d = m.activations[a] - m.activations[b];
  if (d !== 0) return d > 0;
  const { left, right } = m;
  const la = m.ctxLeft[a], lb = m.ctxLeft[b], ra = m.ctxRight[a], rb = m.ctxRight[b];
  return (compareHash(left.hashHi[la], left.hashLo[la], left.hashHi[lb], left.hashLo[lb]) ||
    compareHash(right.hashHi[ra], right.hashLo[ra], right.hashHi[rb], right.hashLo[rb])) > 0;
}

/** The `n` greatest of `ids` in the original's order (activations, then hashes), ascending ids. */
export function mostActive(m: ContextMemory, ids: number[], n: number): number[] {
  if (ids.length <= n) return ids.slice().sort((a, b) => a - b);
  const top: number[] = []; // ascending in the original's order
  for (const id of ids) {
    if (top.length === n) {
      if (!after(m, id, top[0])) continue;
      top.shift();
    }
    let k = top.length;
    while (k > 0 && after(m, top[k - 1], id)) k--;
    top.splice(k, 0, id);
  }
  return top.sort((a, b) => a - b);
}
