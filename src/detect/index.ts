// The detection core: pure functions and classes (no I/O, no clock, no globals).
export { roundHalfEven } from "./round";
export { kalmanFilter1d, kalmanStep, initialKalmanState, type KalmanState } from "./kalman";
export { normalCdf, normalSf, normalPpf, erf, erfc } from "./normal";
export { sensSlope, type SensSlopeResult } from "./sens-slope";
export { mannKendallOriginal, mannKendallYueWang, type MannKendallResult, type MannKendallOptions, type Trend } from "./mann-kendall";
export { wilcoxonSignedRank, type WilcoxonResult, type WilcoxonDetails } from "./wilcoxon";
export { DriftDetector, driftReport, roundedDifferences, type DriftOptions, type DriftReport } from "./drift";
export { IsolationForest, averagePathLength, type IsolationForestOptions, type IsolationForestJSON } from "./isolation-forest";
export { Rng, type RngState } from "./rng";
export { WINDOW_PIPELINE_DEFAULTS, type WindowPipelineSettings } from "./window-pipeline-options";
export {
  createPipeline,
  restorePipeline,
  pipelineOptionsFor,
  pipelineNames,
  pipelineNameList,
  pipelineKindNames,
  selfSizingPipelines,
  type PipelineOptions,
  type PipelineOptionsByKind,
  type PipelineKind,
  type PipelineFactory,
  type PipelineName,
} from "./pipeline-registry";
export type { Decision, Pipeline, PipelineState } from "./pipeline-types";
export { DEFAULT_DETECTOR_THRESHOLD } from "./default-detector/default-pipeline";
export { ARTIME_LEARNING_ROWS } from "./artime/artime-pipeline";
export { defaultMaxContexts } from "./cad-ose/cad-ose-pipeline";
