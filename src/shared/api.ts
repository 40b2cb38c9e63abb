/**
 * The one contract between the renderer and the main process. The preload script exposes exactly
 * this interface as `window.api`; the main process implements it and validates every payload.
 */

export interface AppInfo {
  name: string;
  version: string;
  /** Electron, Chromium and Node versions of the running app. */
  versions: Record<string, string>;
}

/** Most faces one classification call may carry. */
export const MAX_FACES_PER_CALL = 8;

export interface ClassifyRequest {
  /** The faces of one frame, FACE_PIXELS values in [0, 1] each, back to back. */
  faces: Float32Array;
}

export interface ClassifyResult {
  /** NUM_CLASSES probabilities per face, in EMOTIONS order, face by face. */
  probabilities: Float32Array;
  /** The model that classified them. */
  model: string;
  /** Time spent in the ML process. */
  inferenceMs: number;
}

export type MlState = 'starting' | 'ready' | 'restarting' | 'failed';

export interface MlStatus {
  state: MlState;
  /** TensorFlow.js backend in use (tensorflow-gpu, tensorflow, wasm, cpu), once known. */
  backend?: string;
  /** Name of the active model, once loaded. */
  model?: string;
  /** How often the ML process was restarted after stopping unexpectedly. */
  restarts: number;
  /** A sentence for the user when something went wrong. */
  message?: string;
}

export interface EmotionMonitorApi {
  getAppInfo(): Promise<AppInfo>;
  /** Classifies the faces of one frame with the active model. */
  classifyFaces(request: ClassifyRequest): Promise<ClassifyResult>;
  getMlStatus(): Promise<MlStatus>;
  /** Calls `listener` whenever the ML process changes state; returns the unsubscribe function. */
  onMlStatus(listener: (status: MlStatus) => void): () => void;
}

/** Methods the renderer invokes (request/response). */
export type InvokeMethod = Exclude<keyof EmotionMonitorApi, 'onMlStatus'>;

/** IPC channel names: one per invoked method, one per event. */
export const IPC_CHANNELS = {
  getAppInfo: 'app:get-info',
  classifyFaces: 'ml:classify-faces',
  getMlStatus: 'ml:get-status',
} as const satisfies Record<InvokeMethod, string>;

export const IPC_EVENTS = {
  mlStatus: 'ml:status',
} as const;

/**
 * What crosses IPC for an invoked method: main wraps results so the renderer sees the main
 * process's own error message (Electron prefixes thrown errors with its channel name).
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: string };
