import type { AppCommand } from './commands';
import type { ModelEntry } from './models';
import type { PhotoResult } from './photos';
import type { ReportRequest } from './report';
import type {
  DatasetProgress,
  DatasetSummary,
  RunReport,
  TrainingConfig,
  TrainingEstimate,
  TrainingRun,
} from './training';
import type {
  Baseline,
  BaselineInput,
  EmotionShare,
  FaceLane,
  FaceSummary,
  Marker,
  RecordingHalt,
  SampleInput,
  SampleValues,
  SegmentSummary,
  SessionFilter,
  SessionSource,
  SessionSummary,
  TimelineBucket,
} from './sessions';

/**
 * The one contract between the renderer and the main process. The preload script exposes exactly
 * this interface as `window.api`; the main process implements it and validates every payload.
 */

/** What the system says of the app's use of the camera. */
export type CameraAccess = 'granted' | 'denied' | 'restricted';

export interface AppInfo {
  name: string;
  version: string;
  /** Electron, Chromium and Node versions of the running app. */
  versions: Record<string, string>;
}

/**
 * Most faces a frame's analysis classifies and records: a classroom or a meeting in view. They go
 * to the ML process in one call, one batch through the model (per face, a batch of 16 or 32 costs
 * less than one face at a time).
 */
export const MAX_FACES_PER_FRAME = 32;
/** Most faces one classification call may carry: a whole frame's. */
export const MAX_FACES_PER_CALL = MAX_FACES_PER_FRAME;

export interface ClassifyRequest {
  /** The faces of one frame, FACE_PIXELS values in [0, 1] each, back to back. */
  faces: Float32Array;
  /** A camera frame, which must keep the camera's rate: many faces may go to the crowd model (MlStatus.crowd). */
  live?: boolean;
}

export interface ClassifyResult {
  /** NUM_CLASSES probabilities per face, in EMOTIONS order, face by face. */
  probabilities: Float32Array;
  /** The model that classified them. */
  model: string;
  /** Time spent in the ML process. */
  inferenceMs: number;
}

/** Where the sessions database is, how big, its backups, and what the check at start found. */
export interface StorageInfo {
  file: string;
  /** The file with its write-ahead log. */
  bytes: number;
  /** Pages of deleted data not yet given back to the disk (compacting does). */
  freeBytes: number;
  backupsDir: string;
  /** Newest first. */
  backups: { createdAt: number; sizeBytes: number }[];
  /** What the check at start did to a damaged file, for the user; absent when the file was sound. */
  notice?: string;
}

export type MlState = 'starting' | 'ready' | 'restarting' | 'failed';

/**
 * A frame of more than `aboveFaces` faces is classified by `model` (the bundled fast model), because
 * the active model would take more than its share of a frame at the camera's rate (measured when it loads).
 */
export interface CrowdModel {
  model: string;
  aboveFaces: number;
}

export interface MlStatus {
  state: MlState;
  /** TensorFlow.js backend in use (tensorflow-gpu, tensorflow, wasm, cpu), once known. */
  backend?: string;
  /** Name of the active model, once loaded. */
  model?: string;
  /**
   * The active model's mean output on neutral faces, which participants' neutral baselines are
   * matched to (src/shared/baseline.ts); undefined for a model without one (it cannot calibrate).
   */
  neutralReference?: number[];
  /** Set when a faster model classifies the frames of more faces than the active model serves at the camera's rate. */
  crowd?: CrowdModel;
  /** How often the ML process was restarted after stopping unexpectedly. */
  restarts: number;
  /** A sentence for the user when something went wrong. */
  message?: string;
}

/** Samples kept per face per second while recording, unless the user picks another rate (1 to 30). */
export const DEFAULT_SAMPLES_PER_FACE_PER_SECOND = 5;
/** The most samples a recording keeps per face per second (a camera's frame rate). */
export const MAX_SAMPLES_PER_FACE_PER_SECOND = 30;

/** A typed sample rate as a recording can keep it: whole, from 1 to the maximum (the default for nonsense). */
export function sampleRateFrom(value: number): number {
  if (!Number.isFinite(value)) return DEFAULT_SAMPLES_PER_FACE_PER_SECOND;
  return Math.min(MAX_SAMPLES_PER_FACE_PER_SECOND, Math.max(1, Math.round(value)));
}

/** Longest video a session may be analysed from: 24 hours. */
export const MAX_VIDEO_MS = 24 * 3_600_000;

/** Most text a name, note or marker may hold. */
export const MAX_TEXT_LENGTH = 10_000;

export interface SessionDetail {
  session: SessionSummary;
  markers: Marker[];
  /** Face ids seen in the session. */
  faces: number[];
  bucketMs: number;
  timeline: TimelineBucket[];
  distribution: EmotionShare[];
  /** Mean valence and arousal (all faces, or the one asked for); undefined without samples. */
  affect?: { valence: number; arousal: number };
  /** The session cut at its markers, with each part's statistics. */
  segments: SegmentSummary[];
  /** Every face with its name and statistics. */
  participants: FaceSummary[];
  /** The first faces' own timelines (History's lanes), of faces seen for a few seconds or more. */
  lanes: FaceLane[];
  /** Faces seen only briefly, folded into one lane of their samples together (absent: none). */
  briefFaces?: { faceIds: number[]; timeline: TimelineBucket[] };
  /** Which probabilities every figure above is of (calibrated: corrected where a face had a baseline). */
  values: SampleValues;
  /** The participants' neutral baselines taken while recording. */
  baselines: Baseline[];
}

export interface ExportRequest {
  /** Sessions to export; all when omitted. */
  sessionIds?: number[];
  /** One row per sample, one per session with time shares and mean probabilities, or one per segment. */
  kind: 'samples' | 'summary' | 'segments';
}

/** How far the running CSV export has gone: rows written of the rows it will write. */
export interface ExportProgress {
  rows: number;
  total: number;
}

export interface EmotionMonitorApi {
  getAppInfo(): Promise<AppInfo>;
  /**
   * Asks the system for the camera before its first use (macOS asks the user once, and remembers):
   * 'denied' or 'restricted' when the system refuses it; 'granted' elsewhere, where the page's own
   * permission prompt decides.
   */
  requestCameraAccess(): Promise<CameraAccess>;
  /** Opens the system's camera privacy settings; false where the system has none to open. */
  openCameraSettings(): Promise<boolean>;
  /** Calls `listener` when the user picks a command in the application menu (src/shared/commands.ts). */
  onMenuCommand(listener: (command: AppCommand) => void): () => void;
  /** Classifies the faces of one frame with the active model. */
  classifyFaces(request: ClassifyRequest): Promise<ClassifyResult>;
  getMlStatus(): Promise<MlStatus>;
  /** Calls `listener` whenever the ML process changes state; returns the unsubscribe function. */
  onMlStatus(listener: (status: MlStatus) => void): () => void;

  /**
   * Starts recording a session (kept by main, so it survives a reload of the page): from the
   * camera, or, with `source`, the analysis of a video file (its samples carry their video time).
   */
  startRecording(request: {
    name?: string;
    camera?: string;
    samplesPerFacePerSecond?: number;
    source?: SessionSource;
  }): Promise<SessionSummary>;
  /** Ends the recording; `incomplete`: a file's analysis stopped before the end of the file. */
  stopRecording(request?: { incomplete?: boolean }): Promise<SessionSummary | undefined>;
  /** The session being recorded, if any. */
  getRecording(): Promise<SessionSummary | undefined>;
  /**
   * Offers one frame's classified faces to the recording; resolves with how many were kept.
   * `offsetMs`: the frame's time in the video, for (and only for) a file's analysis.
   */
  recordFaces(request: { faces: SampleInput[]; offsetMs?: number }): Promise<number>;
  /** The sessions database: location, size, backups, and what the check at start found. */
  getStorageInfo(): Promise<StorageInfo>;
  /** Gives the space of deleted sessions back to the disk. */
  compactDatabase(): Promise<StorageInfo>;
  /** Calls `listener` when a recording stops by itself: its samples could not be stored (a full disk). */
  onRecordingHalted(listener: (halt: RecordingHalt) => void): () => void;
  /**
   * Gives a face of the live recording a neutral baseline: its later samples are kept both raw and
   * calibrated by it (src/shared/baseline.ts). Fails when nothing is being recorded live.
   */
  setBaseline(request: BaselineInput): Promise<Baseline>;
  /** A marker on the live recording, now; without text (or blank), named after its time on the recording clock. */
  addMarker(request: { text?: string }): Promise<Marker>;
  /** Adds a marker to any session at a time of its own (History). */
  addSessionMarker(request: { sessionId: number; offsetMs: number; text: string }): Promise<Marker>;
  /** Renames and/or moves a marker. */
  updateMarker(request: { id: number; text?: string; offsetMs?: number }): Promise<Marker>;
  deleteMarker(request: { id: number }): Promise<void>;
  /** Gives a face of a session a name ("Participant A"); an empty name removes it. */
  nameFace(request: { sessionId: number; faceId: number; name: string }): Promise<void>;
  /** Makes face `from` part of face `into` (one person the tracker numbered twice); resolves with the samples moved. */
  mergeFaces(request: { sessionId: number; into: number; from: number }): Promise<number>;

  listSessions(filter: SessionFilter): Promise<SessionSummary[]>;
  /** A session with its timeline aggregated to buckets of `bucketMs` (all faces, or one). */
  getSessionDetail(request: {
    id: number;
    bucketMs: number;
    faceId?: number;
    /** Default calibrated: as the live view showed the faces (raw where a face had no baseline). */
    values?: SampleValues;
  }): Promise<SessionDetail>;
  /**
   * A stretch of a session's timeline, `fromMs` up to `toMs` (multiples of `bucketMs`), at a finer
   * bucket than its whole timeline: what History reads when a chart is zoomed in.
   */
  getTimeline(request: {
    id: number;
    bucketMs: number;
    fromMs: number;
    toMs: number;
    /** The faces whose samples it averages (a lane's one, or the brief faces'); default all. */
    faceIds?: number[];
    values?: SampleValues;
  }): Promise<TimelineBucket[]>;
  updateSession(request: { id: number; name?: string; notes?: string }): Promise<SessionSummary>;
  deleteSessions(request: { ids: number[] }): Promise<number>;
  /**
   * Asks where to save, then writes the CSV, one export at a time (progress by onExportProgress);
   * undefined when the user cancels the dialog. `cancelled` when cancelExport stopped it: no file is left.
   */
  exportCsv(request: ExportRequest): Promise<{ path: string; rows: number; cancelled?: boolean } | undefined>;
  /** Stops the running CSV export; resolves with whether one was running. */
  cancelExport(): Promise<boolean>;
  /** Calls `listener` as the running CSV export writes its rows. */
  onExportProgress(listener: (progress: ExportProgress) => void): () => void;
  /**
   * Asks where to save, then writes the session's report as a PDF (its figures of the given values)
   * and its timeline chart as a PNG beside it; undefined when the user cancels.
   */
  exportReport(request: ReportRequest): Promise<{ path: string; chartPath: string } | undefined>;
  /** Asks where to save, then writes photo analysis results as CSV (a row per face); undefined when cancelled. */
  exportPhotoCsv(request: { photos: PhotoResult[] }): Promise<{ path: string; rows: number } | undefined>;

  /** The model library: bundled and the user's models, and which one is live. */
  listModels(): Promise<{ models: ModelEntry[]; activeId: string }>;
  /**
   * Puts the settings main keeps back to their defaults: the bundled default model becomes the live
   * one, and the window goes back to its default size, centred (the page clears its own preferences).
   */
  resetSettings(): Promise<MlStatus>;
  /** Makes a model the live one, without a restart. */
  activateModel(request: { id: string }): Promise<MlStatus>;
  renameModel(request: { id: string; name: string }): Promise<ModelEntry>;
  deleteModel(request: { id: string }): Promise<void>;
  /** Asks for a model folder, checks it and adds it to the library; undefined when cancelled. */
  importModel(): Promise<ModelEntry | undefined>;
  /** Asks for a destination folder and copies the model there; undefined when cancelled. */
  exportModel(request: { id: string }): Promise<string | undefined>;

  /** Asks for a dataset: a folder in the Kaggle layout, or a fer2013.csv; undefined when cancelled. */
  chooseDataset(request: { kind: 'folder' | 'csv' }): Promise<string | undefined>;
  /** Where a file or folder dropped on the window lives ('' when the page cannot know, as in a browser). */
  pathForFile(file: File): string;
  /** Reads and checks a dataset in the ML process; the validation report of the wizard's first step. */
  inspectDataset(request: { path: string; validationFraction: number; seed: number }): Promise<DatasetSummary>;
  /** Times a few training steps on this machine and scales them to the whole run. */
  estimateTraining(request: { config: TrainingConfig }): Promise<TrainingEstimate>;
  /** Adds a run to the queue (it starts when no other run is training). */
  startTraining(request: { config: TrainingConfig }): Promise<TrainingRun>;
  pauseTraining(request: { id: number }): Promise<TrainingRun>;
  /** Goes on with a paused run, or queues a cancelled or failed one again (from its last checkpoint). */
  resumeTraining(request: { id: number }): Promise<TrainingRun>;
  cancelTraining(request: { id: number }): Promise<TrainingRun>;
  deleteTrainingRun(request: { id: number }): Promise<void>;
  /** Every run, newest first. */
  listTrainingRuns(): Promise<TrainingRun[]>;
  getRunReport(request: { id: number }): Promise<RunReport>;
  /** Calls `listener` whenever a run changes (state, progress, a finished epoch). */
  onTrainingRun(listener: (run: TrainingRun) => void): () => void;
  /** Calls `listener` as a dataset being inspected is read (decoded images or rows so far). */
  onDatasetProgress(listener: (progress: DatasetProgress & { path: string }) => void): () => void;
}

/** The API's event subscriptions: each takes a listener and returns its unsubscribe. */
export type EventMethod =
  'onMenuCommand' | 'onMlStatus' | 'onRecordingHalted' | 'onExportProgress' | 'onTrainingRun' | 'onDatasetProgress';

/** What an event hands its listeners. */
export type EventPayload<E extends EventMethod> = Parameters<Parameters<EmotionMonitorApi[E]>[0]>[0];

/** Methods the renderer invokes (request/response): everything but the events and what preload answers itself. */
export type InvokeMethod = Exclude<keyof EmotionMonitorApi, EventMethod | 'pathForFile'>;

/**
 * The contract's table: the IPC channel of every invoked method. Preload, main's registration and
 * the e2e test bridge are all derived from it, and `satisfies` makes a method missing here (or
 * named here but not in the interface) a compile error. Main's handler for each method
 * (src/main/api/handlers.ts, typed by the same keys) validates what arrives before using it.
 */
export const IPC_CHANNELS = {
  getAppInfo: 'app:get-info',
  requestCameraAccess: 'app:request-camera-access',
  openCameraSettings: 'app:open-camera-settings',
  classifyFaces: 'ml:classify-faces',
  getMlStatus: 'ml:get-status',
  startRecording: 'sessions:start-recording',
  stopRecording: 'sessions:stop-recording',
  getRecording: 'sessions:get-recording',
  recordFaces: 'sessions:record-faces',
  setBaseline: 'sessions:set-baseline',
  addMarker: 'sessions:add-marker',
  addSessionMarker: 'sessions:add-session-marker',
  updateMarker: 'sessions:update-marker',
  deleteMarker: 'sessions:delete-marker',
  nameFace: 'sessions:name-face',
  mergeFaces: 'sessions:merge-faces',
  listSessions: 'sessions:list',
  getSessionDetail: 'sessions:detail',
  getTimeline: 'sessions:timeline',
  updateSession: 'sessions:update',
  deleteSessions: 'sessions:delete',
  exportCsv: 'sessions:export-csv',
  cancelExport: 'sessions:cancel-export',
  getStorageInfo: 'storage:get-info',
  compactDatabase: 'storage:compact',
  exportReport: 'sessions:export-report',
  exportPhotoCsv: 'photos:export-csv',
  resetSettings: 'settings:reset',
  listModels: 'models:list',
  activateModel: 'models:activate',
  renameModel: 'models:rename',
  deleteModel: 'models:delete',
  importModel: 'models:import',
  exportModel: 'models:export',
  chooseDataset: 'training:choose-dataset',
  inspectDataset: 'training:inspect-dataset',
  estimateTraining: 'training:estimate',
  startTraining: 'training:start',
  pauseTraining: 'training:pause',
  resumeTraining: 'training:resume',
  cancelTraining: 'training:cancel',
  deleteTrainingRun: 'training:delete',
  listTrainingRuns: 'training:list',
  getRunReport: 'training:report',
} as const satisfies Record<InvokeMethod, string>;

/** The channel of every event main sends (the listener methods' names are the keys). */
export const IPC_EVENTS = {
  onMenuCommand: 'app:menu-command',
  onMlStatus: 'ml:status',
  onRecordingHalted: 'sessions:recording-halted',
  onExportProgress: 'sessions:export-progress',
  onTrainingRun: 'training:run',
  onDatasetProgress: 'training:dataset-progress',
} as const satisfies Record<EventMethod, string>;

export const INVOKE_METHODS = Object.keys(IPC_CHANNELS) as InvokeMethod[];
export const EVENT_METHODS = Object.keys(IPC_EVENTS) as EventMethod[];

/**
 * What crosses IPC for an invoked method: main wraps results so the renderer sees the main
 * process's own error message (Electron prefixes thrown errors with its channel name).
 */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: string };
