// The interface of a traffic model (docs/design.md § Traffic API): the default shallow model
// (src/detect) and the deep LSTM autoencoders (src/deep) both implement it; the traffic API picks
// one by name.

/** One row of a Druid timeseries response: `{"timestamp": "...", "result": {"bytes": 1, ...}}`. */
export interface TimeseriesRow {
  timestamp: string;
  result: Record<string, number>;
}

export interface TrafficAnomaly { timestamp: string; expected: number; value: number }
export interface TrafficForecast { timestamp: string; forecast: number }

export interface TrafficModelResult {
  /** The rows judged anomalous, in input order. */
  anomalies: TrafficAnomaly[];
  /** One forecast (expected value) for every input row, in input order. */
  predicted: TrafficForecast[];
}

/** A verdict on one metric's column: the expected value and whether it is anomalous, per point. */
export interface ColumnJudgement {
  expected: ArrayLike<number>;
  anomalous: readonly boolean[];
}

export interface TrafficModel {
  /** The name the response reports ("default", "traffic", ...). */
  readonly name: string;
  /** Judges `metric` of the rows (validated: non-empty, finite numbers, the metric present). */
  run(rows: TimeseriesRow[], metric: string): Promise<TrafficModelResult>;
  /** The fast path, for a model that judges one metric alone: the same verdict as run() on rows
   * holding these values and timestamps, without the row objects (the traffic API then reads the
   * column straight from the request's text and writes its answer from this). Synchronous. */
  judgeColumn?(values: ArrayLike<number>, timestamps: readonly string[]): ColumnJudgement;
}
