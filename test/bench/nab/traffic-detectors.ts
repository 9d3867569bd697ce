// The traffic API's default model as NAB bench detectors, replayed the way the redborder manager
// polls (./traffic-replay.ts): `npm run bench:nab -- --traffic`. The model is built as the traffic
// service builds it (defaultTrafficModel, the configuration's defaults).
import { configSchema } from "../../../src/config";
import { defaultTrafficModel } from "../../../src/detect/shallow-model";
import type { BenchDetector } from "./detectors";
import { MANAGER_POLLING, replayPolling } from "./traffic-replay";

/** Each request judged from its window alone. */
function statelessDetector(): BenchDetector {
  const model = defaultTrafficModel(configSchema.parse({}).ShallowOutliers);
  return { name: "traffic-default", window: MANAGER_POLLING.window, run: (values, timestamps) => replayPolling((v, t) => model.judge(v, t), values, timestamps) };
}

export const trafficDetectors: BenchDetector[] = [statelessDetector()];
