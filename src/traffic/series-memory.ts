// The default traffic model with series memory (issue 18 part 4): the history of a series (its
// streaming detector and recent decisions) is recalled before the model judges a request and
// stored after, so each row is fed to the detector once and an older row gets the decision it got
// before (a repeated request gets the same answer). Without a key, or without a stored history
// (the first request of a series), the model judges the window from scratch.
import type { Logger } from "pino";
import { historyFromText, historyToText } from "../detect/series-history-json";
import type { RowTimes, SeriesHistory } from "../detect/series-judgement";
import { columnJudgement, type ShallowDecision, type ShallowModel } from "../detect/shallow-model";
import type { ColumnJudgement, TimeseriesRow, TrafficModel, TrafficModelResult } from "../detect/traffic-model";
import { SeriesStore, type SeriesStoreLimits } from "./series-store";

/** How many decoded histories are kept (see SeriesMemory.decoded): at most ~0.4 MB each. */
export const DECODED_HISTORIES = 16;

export class SeriesMemory {
  /** The decoded histories of the series answered last, each what the store holds for its key as
   * text (this object is the store's only writer; a key the store no longer has, evicted, is not
   * used): recalling one skips reading and decoding its text, ~2 ms of a week of minutes. A
   * history is taken out while a request uses it (its detector advances in place) and put back
   * once the request's history is stored or touched, so a request that fails on the way leaves
   * none behind. */
  private readonly decoded = new Map<string, SeriesHistory>();

  constructor(private readonly store: SeriesStore, private readonly log?: Logger) {}

  static open(file: string, limits: SeriesStoreLimits, log?: Logger): SeriesMemory {
    return new SeriesMemory(new SeriesStore(file, limits), log);
  }

  /** The stored history of a series; a history this program cannot read (another version, a
   * damaged row) is forgotten with a warning and the series starts again. */
  recall(key: string): SeriesHistory | undefined {
    const kept = this.decoded.get(key);
    if (kept !== undefined) {
      this.decoded.delete(key);
      if (this.store.has(key)) return kept;
    }
    const text = this.store.get(key);
    if (text === undefined) return undefined;
    try {
      return historyFromText(text);
    } catch (e) {
      this.log?.warn({ series: key, reason: (e as Error).message }, "traffic series memory unreadable; judging the series from scratch");
      this.store.delete(key);
      return undefined;
    }
  }

  remember(key: string, history: SeriesHistory): void {
    this.store.put(key, historyToText(history));
    this.keep(key, history);
  }

  /** Marks the series used now, its history unchanged (`history`: as recalled, kept decoded). */
  touch(key: string, history: SeriesHistory): void {
    this.store.touch(key);
    this.keep(key, history);
  }

  private keep(key: string, history: SeriesHistory): void {
    this.decoded.set(key, history);
    if (this.decoded.size > DECODED_HISTORIES) this.decoded.delete(this.decoded.keys().next().value!);
  }

  totals(): { count: number; bytes: number } { return this.store.totals(); }

  /** The store's file and its last write's disk fault (src/runtime/storage-health.ts). */
  storage(): { path: string; problem: { error: string; since_ms: number } | null } {
    return { path: this.store.health.path, problem: this.store.health.problem };
  }

  close(): void { this.store.close(); }
}

/** The model's decision for a window, after the series' history when there is a memory and a key;
 * the history after it is stored before this returns. `timestamps` may be their epoch ms, when
 * the caller has read them. */
export function judgeRemembered(model: ShallowModel, memory: SeriesMemory | undefined, key: string | undefined,
  values: ArrayLike<number>, timestamps: RowTimes): ShallowDecision {
  if (!memory || key === undefined) return model.judge(values, timestamps, undefined, true);
  const history = memory.recall(key);
  const decision = model.judge(values, timestamps, history);
  // No row fed: nothing was decided anew, the stored text stands.
  if (history && decision.fed === 0) memory.touch(key, history);
  else memory.remember(key, decision.history);
  return decision;
}

/** The default model with a series memory, as the traffic API serves it when [ShallowOutliers]
 * memory is on: a request that names its series is judged after that series' history. */
export class RememberingModel implements TrafficModel {
  readonly name: string;

  constructor(private readonly model: ShallowModel, private readonly memory: SeriesMemory) {
    this.name = model.name;
  }

  async run(rows: TimeseriesRow[], metric: string, series?: string): Promise<TrafficModelResult> {
    const values = rows.map((r) => r.result[metric]!), timestamps = rows.map((r) => r.timestamp);
    return this.model.answer(values, timestamps, judgeRemembered(this.model, this.memory, series, values, timestamps));
  }

  judgeColumn(values: ArrayLike<number>, times: Float64Array, series?: string): ColumnJudgement {
    return columnJudgement(judgeRemembered(this.model, this.memory, series, values, times));
  }
}
