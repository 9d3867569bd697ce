// The traffic API's default model as NAB bench detectors, replayed the way the redborder manager
// polls (./traffic-replay.ts): `npm run bench:nab -- --traffic`. The model is built as the traffic
// service builds it (defaultTrafficModel with the configuration's defaults) and judged through
// judgeRemembered, as the service's default model with memory (RememberingModel) does.
import { configSchema } from "../../../src/config";
import { REHEARSED_FRACTION } from "../../../src/detect/series-judgement";
import { defaultTrafficModel, ShallowModel } from "../../../src/detect/shallow-model";
import { judgeRemembered, SeriesMemory } from "../../../src/traffic/series-memory";
import type { BenchDetector } from "./detectors";
import { MANAGER_POLLING, replayPolling } from "./traffic-replay";

const settings = configSchema.parse({}).ShallowOutliers;

/** Each request judged from its window alone, by the model with `rehearsed` (default: as shipped). */
function statelessDetector(name = "traffic-stateless", rehearsed?: number): BenchDetector {
  const model = rehearsed === undefined ? defaultTrafficModel(settings) : new ShallowModel({ ...settings, rehearsed });
  return {
    name, window: MANAGER_POLLING.window,
    run: (values, timestamps) => replayPolling((v, t) => judgeRemembered(model, undefined, undefined, v, t), values, timestamps),
  };
}

/** The rehearsed fractions measured when REHEARSED_FRACTION was chosen (`--cv` chooses among them). */
const REHEARSAL_CANDIDATES = [0.5, 0.75, 0.9, 0.95].filter((f) => f !== REHEARSED_FRACTION);

/** With series memory (one series per file, in a SQLite database in memory). */
function memoryDetector(): BenchDetector {
  const model = defaultTrafficModel(settings);
  return {
    name: "traffic-memory", window: MANAGER_POLLING.window,
    run: (values, timestamps) => {
      const memory = SeriesMemory.open(":memory:", { maxSeries: settings.memory_series, maxBytes: settings.memory_bytes });
      try {
        return replayPolling((v, t) => judgeRemembered(model, memory, "nab", v, t), values, timestamps);
      } finally {
        memory.close();
      }
    },
  };
}

export const trafficDetectors: BenchDetector[] = [
  { ...statelessDetector(), variants: REHEARSAL_CANDIDATES.map((f) => statelessDetector(`traffic-stateless-rehearsed${f}`, f)) },
  memoryDetector(),
];
