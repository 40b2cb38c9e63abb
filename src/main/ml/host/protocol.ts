import type { BackendChoice } from '../runtime/backend';
import type { TrainProgress } from '../training/trainer';
import type {
  DatasetProgress,
  DatasetSummary,
  EvaluationReport,
  Mistake,
  TrainingConfig,
  TrainingEstimate,
} from '@shared/training';
import type { CrowdModel } from '@shared/api';

/** Messages between the main process and the ML host (an Electron utility process, or a worker thread in Node). */

export type TrainingControl = 'pause' | 'resume' | 'cancel';

/** A model scored on a run's validation faces. */
export interface ModelEvaluation {
  name: string;
  evaluation: EvaluationReport;
  mistakes: Mistake[];
  split: 'test' | 'held-out train';
}

export interface DatasetChoice {
  datasetPath: string;
  validationFraction: number;
  seed: number;
}

export interface TrainRequest {
  runId: number;
  config: TrainingConfig;
  outDir: string;
  resume: boolean;
  initFrom?: string;
  /** The teacher model's folder, and the name its student's recipe records. */
  teacher?: { dir: string; name: string };
  backendCandidates?: BackendChoice[];
}

export interface TrainOutcome {
  cancelled: boolean;
  epochsTrained: number;
}

export interface LoadedModelInfo {
  model: string;
  backend: string;
  /** Blur applied to faces before the model (metadata.input.blurSigma), 0 for none. */
  blurSigma: number;
  /** The model's mean output on neutral faces, for neutral-baseline calibration, when it has one. */
  neutralReference?: number[];
  /** The faster model that classifies frames of more faces than this one serves at the camera's rate. */
  crowd?: CrowdModel;
}

export interface ClassifiedFaces {
  probabilities: Float32Array;
  inferenceMs: number;
  /** The model that classified them: the active one, or the crowd model for a frame of many faces. */
  model: string;
}

/** What the ML host holds, for the soak benchmark's leak check. */
export interface HostMemory {
  tensors: number;
  tensorBytes: number;
  /** This thread's or process's JavaScript heap. */
  heapUsedBytes: number;
  /** The WebAssembly backend's linear memory (it only grows), 0 on other backends. */
  wasmHeapBytes: number;
}

export interface HostMethods {
  /**
   * `crowdModelDir`: a faster model for frames of more faces than the active one serves at the
   * camera's rate (measured as it loads, unless `crowdAboveFaces` says).
   */
  load: {
    params: { modelDir: string; crowdModelDir?: string; crowdAboveFaces?: number };
    result: LoadedModelInfo;
  };
  classify: { params: { faces: Float32Array; live?: boolean }; result: ClassifiedFaces };
  inspectDataset: { params: DatasetChoice; result: DatasetSummary };
  estimateTraining: {
    params: { config: TrainingConfig; backendCandidates?: BackendChoice[] };
    result: TrainingEstimate;
  };
  /** Resolves when the run ends; progress arrives meanwhile as `training` events. */
  train: { params: TrainRequest; result: TrainOutcome };
  /** For a pause: whether the run stopped at it (false: it ended or was cancelled first). */
  controlTraining: { params: { runId: number; action: TrainingControl }; result: boolean };
  memory: { params: Record<string, never>; result: HostMemory };
  evaluateModel: {
    params: { modelDir: string; dataset: DatasetChoice; mistakes: number };
    result: ModelEvaluation;
  };
}

export type HostMethod = keyof HostMethods;

export type HostRequest = {
  [M in HostMethod]: { id: number; method: M; params: HostMethods[M]['params'] };
}[HostMethod];

export type HostResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What the host says unasked: training progress, and how far a dataset being read has got. */
export type HostEvent =
  | { event: 'training'; runId: number; progress: TrainProgress }
  | { event: 'datasetProgress'; path: string; progress: DatasetProgress };

export type HostMessage = HostResponse | HostEvent;

export function isHostEvent(message: HostMessage): message is HostEvent {
  return 'event' in message;
}
