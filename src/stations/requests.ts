// What the station API asks of the stations, validated (src/http/station-schemas.ts checks the
// bodies and produces exactly these): POST /initialize and POST /detection (docs/design.md §
// Station requests).
import type { PipelineName } from "../detect";

export interface InitializeRequest {
  id_estacio: string;
  /** Each variable's window length. */
  variables: Record<string, number>;
  /** A pipeline name; the registry's default when absent. */
  pipeline?: PipelineName;
}

/** One sample: its time (src/detect/iso-time.ts grammar) and its variables' values, in order. */
export interface Sample {
  timestamp: string;
  values: Array<[variable: string, value: number]>;
}

export interface DetectionRequest {
  id_estacio: string;
  /** The number of samples in `mostres`, when the client sends it. */
  numero_mostres?: number;
  mostres: Sample[];
}

/** POST /stations/:id/maintenance: a window [from, to) of sample time (from < to), for the listed
 * variables or, without `variables`, all of the station's (./maintenance.ts). */
export interface MaintenanceRequest {
  from: string;
  to: string;
  variables?: string[];
  reason: string;
}
