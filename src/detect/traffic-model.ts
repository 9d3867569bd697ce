// The interface of a traffic model (docs/design.md § Traffic API): the default shallow model
// (src/detect) and the deep LSTM autoencoders (src/deep) both implement it; the traffic API picks
// one by name.

/** One row of a Druid timeseries response: `{"timestamp": "...", "result": {"bytes": 1, ...}}`. */
export interface TimeseriesRow {
  timestamp: string;
  result: Record<string, number>;
}

/** `score`: the row's anomaly score in [0, 1] (higher = more anomalous), from models that have one
 * (the default model; an addition to the original's answer). */
export interface TrafficAnomaly { timestamp: string; expected: number; value: number; score?: number }
export interface TrafficForecast { timestamp: string; forecast: number; score?: number }

export interface TrafficModelResult {
  /** The rows judged anomalous, in input order. */
  anomalies: TrafficAnomaly[];
  /** One forecast (expected value) for every input row, in input order. */
  predicted: TrafficForecast[];
}

/** A verdict on one metric's column, per point: the expected value, the anomaly score and whether
 * it is anomalous. */
export interface ColumnJudgement {
  expected: ArrayLike<number>;
  scores: ArrayLike<number>;
  anomalous: readonly boolean[];
}

export interface TrafficModel {
  /** The name the response reports ("default", "traffic", ...). */
  readonly name: string;
  /** Judges `metric` of the rows (validated: non-empty, finite numbers, the metric present).
   * `series` is the key of the series the rows are a window of, when the request names one (the
   * manager polls a series again and again with a moving interval): a model that remembers series
   * (the default model with series memory, src/traffic/series-memory.ts) judges after what it saw
   * of it before; the others ignore it. */
  run(rows: TimeseriesRow[], metric: string, series?: string): Promise<TrafficModelResult>;
  /** The fast path, for a model that judges one metric alone: the same verdict as run() on rows
   * holding these values and timestamps, without the row objects (the traffic API then reads the
   * column straight from the request's bytes and writes its answer from this). Synchronous.
   * The rows' times come as epoch ms (epochMs of their timestamps), which the caller has read. */
  judgeColumn?(values: ArrayLike<number>, times: Float64Array, series?: string): ColumnJudgement;
}
