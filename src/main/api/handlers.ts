import {
  MAX_SAMPLES_PER_FACE_PER_SECOND,
  MAX_VIDEO_MS,
  type AppInfo,
  type CameraAccess,
  type ClassifyResult,
  type IpcResult,
  type InvokeMethod,
  type EmotionMonitorApi,
  type MlStatus,
} from '@shared/api';
import type { MlHostClient } from '../ml/host/client';
import type { Logger } from '../log';
import { exportPhotosCsvFile } from '../storage/csv-export';
import { chartPathFor, type ReportRequest } from '@shared/report';
import type { ModelService } from '../ml/runs/model-service';
import type { DatabaseKeeper } from '../storage/maintenance';
import type { SessionService } from '../storage/session-service';
import type { TrainingService } from '../ml/runs/training-service';
import {
  expectNoPayload,
  expectObject,
  integer,
  InvalidPayloadError,
  optionalInteger,
  optionalBoolean,
  optionalFaceIds,
  optionalSampleValues,
  parseBaselineInput,
  optionalText,
  parseClassifyRequest,
  parsePhotoResults,
  parseSessionSource,
  parseRecordFaces,
  parseSessionFilter,
  parseSessionIds,
  requiredText,
  datasetPath,
  parseSeed,
  parseTrainingConfig,
  parseValidationFraction,
} from './validate';
import { errorMessage } from '@shared/errors';
import { MAX_STRETCH_BUCKETS } from '@shared/sessions';

export interface ApiDependencies {
  appInfo: () => AppInfo;
  ml: Pick<MlHostClient, 'classify' | 'status'>;
  sessions: SessionService;
  storage: Pick<DatabaseKeeper, 'info' | 'compact'>;
  models: ModelService;
  /** Asks the user where to save a file (the system dialog in the app); undefined when cancelled. */
  chooseSavePath: (suggestedName: string) => Promise<string | undefined>;
  /** Prints a session's report to `pdf` and its timeline chart to `png` (an Electron window, or the test browser). */
  printReport: (request: ReportRequest, files: { pdf: string; png: string }) => Promise<void>;
  /** Asks the user for a folder: a model to import, or where to export one; undefined when cancelled. */
  chooseFolder: (purpose: 'import-model' | 'export-model') => Promise<string | undefined>;
  training: TrainingService;
  /** Asks the user for a dataset folder or fer2013.csv; undefined when cancelled. */
  chooseDataset: (kind: 'folder' | 'csv') => Promise<string | undefined>;
  /** Puts the app's window back to its default size, centred, and forgets its kept place. */
  resetWindow: () => void;
  /** The system's word on the camera (macOS asks the user), and its privacy settings (src/main/camera-access.ts). */
  camera: { requestAccess: () => Promise<CameraAccess>; openSettings: () => Promise<boolean> };
}

/** The one argument of a method that takes one, with only `fields`; more arguments are refused. */
function single(method: string, args: unknown[], fields: readonly string[]): Record<string, unknown> {
  expectNoPayload(`${method} (after its request)`, args.slice(1));
  return expectObject(method, args[0], fields);
}

const MAX_BUCKET_MS = 3_600_000;

/** A session's name as a file name on every system: no path separators, reserved or control characters. */
export function fileNameFor(name: string): string {
  const safe = name
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .trim()
    .slice(0, 100);
  return safe.replace(/^\.+/, '') || 'session';
}

/** What main runs for each invoked method, taking the raw (unvalidated) arguments from IPC. */
export type ApiHandlers = {
  [M in InvokeMethod]: (...args: unknown[]) => ReturnType<EmotionMonitorApi[M]>;
};

/** The main-process side of the contract. No electron import: the e2e test bridge serves it too. */
export function createApiHandlers({
  appInfo,
  ml,
  sessions,
  storage,
  models,
  chooseSavePath,
  printReport,
  chooseFolder,
  training,
  chooseDataset,
  resetWindow,
  camera,
}: ApiDependencies): ApiHandlers {
  const modelId = (request: Record<string, unknown>) => requiredText('id', request.id);
  const runId = (method: string, args: unknown[]) =>
    integer('id', single(method, args, ['id']).id, 1, Number.MAX_SAFE_INTEGER);
  return {
    getAppInfo: async (...args): Promise<AppInfo> => {
      expectNoPayload('getAppInfo', args);
      return appInfo();
    },
    classifyFaces: async (payload, ...rest): Promise<ClassifyResult> => {
      expectNoPayload('classifyFaces (after its request)', rest);
      const { faces, live } = parseClassifyRequest(payload);
      return ml.classify(faces, { live });
    },
    getMlStatus: async (...args): Promise<MlStatus> => {
      expectNoPayload('getMlStatus', args);
      return ml.status;
    },
    startRecording: async (...args) => {
      const request = single('startRecording', args, ['name', 'camera', 'samplesPerFacePerSecond', 'source']);
      return sessions.startRecording({
        name: optionalText('name', request.name),
        camera: optionalText('camera', request.camera),
        samplesPerFacePerSecond: optionalInteger(
          'samplesPerFacePerSecond',
          request.samplesPerFacePerSecond,
          1,
          MAX_SAMPLES_PER_FACE_PER_SECOND,
        ),
        source: parseSessionSource(request.source),
      });
    },
    stopRecording: async (...args) => {
      if (args[0] === undefined) {
        expectNoPayload('stopRecording', args);
        return sessions.stopRecording();
      }
      const request = single('stopRecording', args, ['incomplete']);
      return sessions.stopRecording(optionalBoolean('incomplete', request.incomplete));
    },
    getRecording: async (...args) => {
      expectNoPayload('getRecording', args);
      return sessions.recording();
    },
    recordFaces: async (...args) => {
      expectNoPayload('recordFaces (after its request)', args.slice(1));
      const { faces, offsetMs } = parseRecordFaces(args[0]);
      return sessions.recordFaces(faces, offsetMs);
    },
    setBaseline: async (...args) => {
      expectNoPayload('setBaseline (after its request)', args.slice(1));
      return sessions.setBaseline(parseBaselineInput(args[0]));
    },
    addMarker: async (...args) => sessions.addMarker(optionalText('text', single('addMarker', args, ['text']).text)),
    addSessionMarker: async (...args) => {
      const request = single('addSessionMarker', args, ['sessionId', 'offsetMs', 'text']);
      return sessions.addMarkerAt(
        integer('sessionId', request.sessionId, 1, Number.MAX_SAFE_INTEGER),
        integer('offsetMs', request.offsetMs, 0, MAX_VIDEO_MS),
        requiredText('text', request.text),
      );
    },
    updateMarker: async (...args) => {
      const request = single('updateMarker', args, ['id', 'text', 'offsetMs']);
      return sessions.updateMarker(integer('id', request.id, 1, Number.MAX_SAFE_INTEGER), {
        text: request.text === undefined ? undefined : requiredText('text', request.text),
        offsetMs: optionalInteger('offsetMs', request.offsetMs, 0, MAX_VIDEO_MS),
      });
    },
    nameFace: async (...args) => {
      const request = single('nameFace', args, ['sessionId', 'faceId', 'name']);
      const name = optionalText('name', request.name);
      if (name === undefined) throw new InvalidPayloadError('name must be text (empty to remove it)');
      sessions.nameFace(
        integer('sessionId', request.sessionId, 1, Number.MAX_SAFE_INTEGER),
        integer('faceId', request.faceId, 0, Number.MAX_SAFE_INTEGER),
        name.slice(0, 200),
      );
    },
    mergeFaces: async (...args) => {
      const request = single('mergeFaces', args, ['sessionId', 'into', 'from']);
      return sessions.mergeFaces(
        integer('sessionId', request.sessionId, 1, Number.MAX_SAFE_INTEGER),
        integer('into', request.into, 0, Number.MAX_SAFE_INTEGER),
        integer('from', request.from, 0, Number.MAX_SAFE_INTEGER),
      );
    },
    deleteMarker: async (...args) =>
      sessions.deleteMarker(integer('id', single('deleteMarker', args, ['id']).id, 1, Number.MAX_SAFE_INTEGER)),
    listSessions: async (...args) => {
      expectNoPayload('listSessions (after its filter)', args.slice(1));
      return sessions.listSessions(parseSessionFilter(args[0]));
    },
    getSessionDetail: async (...args) => {
      const request = single('getSessionDetail', args, ['id', 'bucketMs', 'faceId', 'values']);
      return sessions.detail(
        integer('id', request.id, 1, Number.MAX_SAFE_INTEGER),
        integer('bucketMs', request.bucketMs, 1, MAX_BUCKET_MS),
        optionalInteger('faceId', request.faceId, 0, Number.MAX_SAFE_INTEGER),
        optionalSampleValues(request.values),
      );
    },
    getTimeline: async (...args) => {
      const request = single('getTimeline', args, ['id', 'bucketMs', 'fromMs', 'toMs', 'faceIds', 'values']);
      const bucketMs = integer('bucketMs', request.bucketMs, 1, MAX_BUCKET_MS);
      const fromMs = integer('fromMs', request.fromMs, 0, Number.MAX_SAFE_INTEGER);
      const toMs = integer('toMs', request.toMs, fromMs + 1, fromMs + bucketMs * MAX_STRETCH_BUCKETS);
      if (fromMs % bucketMs !== 0 || toMs % bucketMs !== 0)
        throw new InvalidPayloadError('fromMs and toMs must be multiples of bucketMs');
      return sessions.timelineStretch(
        integer('id', request.id, 1, Number.MAX_SAFE_INTEGER),
        bucketMs,
        { fromMs, toMs },
        optionalFaceIds('faceIds', request.faceIds),
        optionalSampleValues(request.values),
      );
    },
    updateSession: async (...args) => {
      const request = single('updateSession', args, ['id', 'name', 'notes']);
      return sessions.update(integer('id', request.id, 1, Number.MAX_SAFE_INTEGER), {
        name: request.name === undefined ? undefined : requiredText('name', request.name),
        notes: optionalText('notes', request.notes),
      });
    },
    deleteSessions: async (...args) =>
      sessions.deleteSessions(parseSessionIds('ids', single('deleteSessions', args, ['ids']).ids)),
    getStorageInfo: async (...args) => {
      expectNoPayload('getStorageInfo', args);
      return storage.info();
    },
    compactDatabase: async (...args) => {
      expectNoPayload('compactDatabase', args);
      return storage.compact();
    },
    exportCsv: async (...args) => {
      const request = single('exportCsv', args, ['kind', 'sessionIds']);
      if (request.kind !== 'samples' && request.kind !== 'summary' && request.kind !== 'segments') {
        throw new InvalidPayloadError("kind must be 'samples', 'summary' or 'segments'");
      }
      const ids = request.sessionIds === undefined ? undefined : parseSessionIds('sessionIds', request.sessionIds);
      const suggested = `emotion-monitor-${request.kind}-${new Date().toISOString().slice(0, 10)}.csv`;
      const path = await chooseSavePath(suggested);
      if (!path) return undefined;
      return { path, ...(await sessions.exportCsv(path, request.kind, ids)) };
    },
    cancelExport: async (...args) => {
      expectNoPayload('cancelExport', args);
      return sessions.cancelExport();
    },
    exportReport: async (...args) => {
      const request = single('exportReport', args, ['sessionId', 'values']);
      const sessionId = integer('sessionId', request.sessionId, 1, Number.MAX_SAFE_INTEGER);
      const values = optionalSampleValues(request.values) ?? 'calibrated';
      const session = sessions.session(sessionId);
      if (!session) throw new Error(`There is no session ${sessionId}`);
      const pdf = await chooseSavePath(`${fileNameFor(session.name)} report.pdf`);
      if (!pdf) return undefined;
      const png = chartPathFor(pdf);
      await printReport({ sessionId, values }, { pdf, png });
      return { path: pdf, chartPath: png };
    },
    exportPhotoCsv: async (...args) => {
      const photos = parsePhotoResults(single('exportPhotoCsv', args, ['photos']).photos);
      const path = await chooseSavePath(`emotion-monitor-photos-${new Date().toISOString().slice(0, 10)}.csv`);
      if (!path) return undefined;
      return { path, rows: await exportPhotosCsvFile(photos, path) };
    },
    listModels: async (...args) => {
      expectNoPayload('listModels', args);
      return models.list();
    },
    requestCameraAccess: async (...args) => {
      expectNoPayload('requestCameraAccess', args);
      return camera.requestAccess();
    },
    openCameraSettings: async (...args) => {
      expectNoPayload('openCameraSettings', args);
      return camera.openSettings();
    },
    resetSettings: async (...args) => {
      expectNoPayload('resetSettings', args);
      resetWindow();
      return models.resetToDefault();
    },
    activateModel: async (...args) => models.activate(modelId(single('activateModel', args, ['id']))),
    renameModel: async (...args) => {
      const request = single('renameModel', args, ['id', 'name']);
      return models.rename(modelId(request), requiredText('name', request.name));
    },
    deleteModel: async (...args) => models.remove(modelId(single('deleteModel', args, ['id']))),
    importModel: async (...args) => {
      expectNoPayload('importModel', args);
      const folder = await chooseFolder('import-model');
      return folder ? models.import(folder) : undefined;
    },
    exportModel: async (...args) => {
      const id = modelId(single('exportModel', args, ['id']));
      await models.folder(id); // refuse an unknown model before asking where to put it
      const destination = await chooseFolder('export-model');
      return destination ? models.export(id, destination) : undefined;
    },
    chooseDataset: async (...args) => {
      const { kind } = single('chooseDataset', args, ['kind']);
      if (kind !== 'folder' && kind !== 'csv') throw new InvalidPayloadError("kind must be 'folder' or 'csv'");
      return chooseDataset(kind);
    },
    inspectDataset: async (...args) => {
      const request = single('inspectDataset', args, ['path', 'validationFraction', 'seed']);
      return training.inspectDataset({
        datasetPath: datasetPath('path', request.path),
        validationFraction: parseValidationFraction(request.validationFraction),
        seed: parseSeed(request.seed),
      });
    },
    estimateTraining: async (...args) =>
      training.estimate(parseTrainingConfig(single('estimateTraining', args, ['config']).config)),
    startTraining: async (...args) =>
      training.enqueue(parseTrainingConfig(single('startTraining', args, ['config']).config)),
    pauseTraining: async (...args) => training.pause(runId('pauseTraining', args)),
    resumeTraining: async (...args) => training.resume(runId('resumeTraining', args)),
    cancelTraining: async (...args) => training.cancel(runId('cancelTraining', args)),
    deleteTrainingRun: async (...args) => training.remove(runId('deleteTrainingRun', args)),
    listTrainingRuns: async (...args) => {
      expectNoPayload('listTrainingRuns', args);
      return training.list();
    },
    getRunReport: async (...args) => training.report(runId('getRunReport', args)),
  };
}

/**
 * Runs a handler and wraps its outcome, so the renderer gets main's own error message. Every failure
 * but a malformed payload (the renderer's mistake, answered and expected) goes to `log` with its
 * stack: a TypeError in a handler must not vanish into a message on screen.
 */
export async function invokeHandler<M extends InvokeMethod>(
  handlers: ApiHandlers,
  method: M,
  args: unknown[],
  log?: Pick<Logger, 'error'>,
): Promise<IpcResult<Awaited<ReturnType<ApiHandlers[M]>>>> {
  try {
    return { ok: true, value: (await handlers[method](...args)) as Awaited<ReturnType<ApiHandlers[M]>> };
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) log?.error(`${method} failed`, error);
    return { ok: false, error: errorMessage(error) };
  }
}

export function isInvokeMethod(handlers: ApiHandlers, method: unknown): method is InvokeMethod {
  return typeof method === 'string' && Object.hasOwn(handlers, method);
}
