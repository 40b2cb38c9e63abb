/** Messages between the main process and the ML host (an Electron utility process, or a worker thread in Node). */

export interface LoadedModelInfo {
  model: string;
  backend: string;
  /** Blur applied to faces before the model (metadata.input.blurSigma), 0 for none. */
  blurSigma: number;
}

export interface ClassifiedFaces {
  probabilities: Float32Array;
  inferenceMs: number;
}

export interface HostMethods {
  load: { params: { modelDir: string }; result: LoadedModelInfo };
  classify: { params: { faces: Float32Array }; result: ClassifiedFaces };
}

export type HostMethod = keyof HostMethods;

export type HostRequest = {
  [M in HostMethod]: { id: number; method: M; params: HostMethods[M]['params'] };
}[HostMethod];

export type HostResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
