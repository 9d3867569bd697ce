// What the read side (GET /stations, GET /stations/:id) shows: read from SQLite, which holds the
// committed truth of every station whether or not its pipelines are in memory.
import type { StationRow, StationStore } from "./store";

const iso = (ms: number) => new Date(ms).toISOString();

function summary(s: StationRow) {
  return { id_estacio: s.id, created_at: iso(s.created_ms), updated_at: iso(s.updated_ms), blocks: s.blocks, samples: s.samples };
}

export function stationsView(store: StationStore) {
  return store.stations().map(summary);
}

export function stationView(store: StationStore, id: string) {
  const s = store.station(id);
  if (!s) return undefined;
  return {
    ...summary(s),
    variables: store.variableMeta(id).map((v) => ({
      name: v.name,
      window: v.window,
      pipeline: v.kind,
      samples_seen: v.samples_seen,
      retrains: v.retrains,
      snapshot_at_sample: v.state_samples,
      last_decision: v.last_decision === null ? null : JSON.parse(v.last_decision) as unknown,
      last_drift_test: v.last_drift_test === null ? null : JSON.parse(v.last_drift_test) as unknown,
      relearning: v.relearning_since_ms === null ? null : { since: iso(v.relearning_since_ms), from_sample: v.relearning_from_sample, reason: v.relearning_reason },
    })),
  };
}
