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

export interface TrafficModel {
  /** The name the response reports ("default", "traffic", ...). */
  readonly name: string;
  /** Judges `metric` of the rows (validated: non-empty, finite numbers, the metric present). */
  run(rows: TimeseriesRow[], metric: string): Promise<TrafficModelResult>;
}
