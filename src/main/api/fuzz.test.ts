/**
 * Fuzzing the typed contract: thousands of malformed payloads, every one of them wrong in a way
 * the contract forbids, sent to every invoked method through the app's own validation
 * (`invokeHandler`, what `ipcMain.handle` calls). Each must get an error answer before any of the
 * handler's work runs, and the ML process and the database must still answer afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNELS, MAX_TEXT_LENGTH, type InvokeMethod } from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { defaultTrainingConfig } from '@shared/training';
import { MlHostClient } from '../ml/host/client';
import { spawnWorkerHost } from '../ml/host/worker-channel';
import { ModelLibrary } from '../ml/models/library';
import { ModelService } from '../ml/runs/model-service';
import { TrainingService } from '../ml/runs/training-service';
import { Random } from '../ml/training/random';
import { RunStore } from '../storage/run-store';
import { DatabaseKeeper } from '../storage/maintenance';
import { SessionService } from '../storage/session-service';
import { createApiHandlers, invokeHandler, type ApiHandlers } from './handlers';
import { openDatabase, type Database } from '../storage/database';
import { SessionStore } from '../storage/session-store';
import { Settings } from '../storage/settings';

const PAYLOADS = 1_200;
const BUNDLED_MODELS = path.resolve('resources/models');

type Payload = unknown[];

/** A valid call of each method: what the mutations below break. */
function validCalls(): Record<InvokeMethod, Payload> {
  const config = defaultTrainingConfig('default', '/datasets/fer2013');
  const id = [{ id: 1 }];
  return {
    getAppInfo: [],
    classifyFaces: [{ faces: new Float32Array(FACE_PIXELS).fill(0.5) }],
    getMlStatus: [],
    startRecording: [
      {
        name: 'study',
        camera: 'cam',
        samplesPerFacePerSecond: 2,
        source: { kind: 'video', fileName: 'study.webm', durationMs: 1000 },
      },
    ],
    stopRecording: [{ incomplete: true }],
    getRecording: [],
    recordFaces: [
      {
        faces: [
          {
            faceId: 1,
            probabilities: Array.from({ length: NUM_CLASSES }, () => 1 / NUM_CLASSES),
            box: { x: 0.1, y: 0.1, width: 0.3, height: 0.3 },
          },
        ],
        offsetMs: 400,
      },
    ],
    setBaseline: [
      {
        faceId: 1,
        baseline: [0.2, 0.02, 0.1, 0.08, 0.3, 0.05, 0.25],
        reference: [0.08, 0.01, 0.08, 0.08, 0.15, 0.05, 0.55],
        strength: 0.5,
        frames: 15,
        model: 'default',
      },
    ],
    addMarker: [{ text: 'question 1' }],
    addSessionMarker: [{ sessionId: 1, offsetMs: 1000, text: 'question 2' }],
    updateMarker: [{ id: 1, text: 'renamed', offsetMs: 2000 }],
    deleteMarker: [{ id: 1 }],
    nameFace: [{ sessionId: 1, faceId: 2, name: 'Participant A' }],
    mergeFaces: [{ sessionId: 1, into: 1, from: 2 }],
    listSessions: [{ query: 'study', from: 0, to: 1 }],
    getSessionDetail: [{ id: 1, bucketMs: 1000, faceId: 1, values: 'raw' }],
    getTimeline: [{ id: 1, bucketMs: 1000, fromMs: 2000, toMs: 9000, faceIds: [1, 2], values: 'raw' }],
    updateSession: [{ id: 1, name: 'renamed', notes: 'notes' }],
    deleteSessions: [{ ids: [1] }],
    exportCsv: [{ kind: 'samples', sessionIds: [1] }],
    cancelExport: [],
    resetSettings: [],
    requestCameraAccess: [],
    openCameraSettings: [],
    getStorageInfo: [],
    compactDatabase: [],
    exportReport: [{ sessionId: 1, values: 'raw' }],
    exportPhotoCsv: [
      {
        photos: [
          {
            fileName: 'class.jpg',
            width: 640,
            height: 480,
            faces: [
              { box: { x: 1, y: 2, width: 100, height: 100 }, probabilities: [0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1] },
            ],
            error: 'x',
          },
        ],
      },
    ],
    listModels: [],
    activateModel: [{ id: 'bundled:default' }],
    renameModel: [{ id: 'bundled:default', name: 'other' }],
    deleteModel: [{ id: 'bundled:default' }],
    importModel: [],
    exportModel: [{ id: 'bundled:default' }],
    chooseDataset: [{ kind: 'folder' }],
    inspectDataset: [{ path: '/datasets/fer2013', validationFraction: 0.1, seed: 1 }],
    estimateTraining: [{ config }],
    startTraining: [{ config }],
    pauseTraining: id,
    resumeTraining: id,
    cancelTraining: id,
    deleteTrainingRun: id,
    listTrainingRuns: [],
    getRunReport: id,
  };
}

/** Fields a valid call may leave out (removing them is not a malformation). */
const OPTIONAL = new Set([
  'name',
  'camera',
  'samplesPerFacePerSecond',
  'source',
  'incomplete',
  'offsetMs',
  'query',
  'from',
  'to',
  'faceId',
  'notes',
  'error',
  'probabilities',
  'text',
  'values',
]);
const OPTIONAL_IN = new Set(['sessionIds', 'fineTuneFrom', 'teacher']);

function deep(levels: number): unknown {
  let value: unknown = { leaf: 1 };
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

/** Values no field of the contract accepts: wrong types, NaN and infinities, huge and deep values. */
const WRONG_VALUES: (() => unknown)[] = [
  () => null,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  () => ({}),
  () => [Number.NaN],
  () => deep(2_000),
  () => new Array(200_001).fill(1),
  () => 'x'.repeat(MAX_TEXT_LENGTH + 1),
  () => new Float32Array(FACE_PIXELS + 1),
  () => new Float64Array(FACE_PIXELS),
];

const isPlainEmpty = (value: unknown) =>
  typeof value === 'object' && value !== null && value.constructor === Object && Object.keys(value).length === 0;

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/** Every field inside a payload (objects and arrays, recursively), as places a mutation can change. */
function slots(value: unknown, found: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      found.push({ parent: value, key: i });
      slots(item, found);
    });
  } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const [key, item] of Object.entries(value)) {
      found.push({ parent: value as Record<string, unknown>, key });
      slots(item, found);
    }
  }
  return found;
}

const objects = (value: unknown): Record<string, unknown>[] => [
  ...(typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
    ? [value as Record<string, unknown>]
    : []),
  ...slots(value)
    .map(({ parent, key }) => (parent as Record<string | number, unknown>)[key])
    .filter(
      (item): item is Record<string, unknown> =>
        typeof item === 'object' && item !== null && !Array.isArray(item) && !ArrayBuffer.isView(item),
    ),
];

/** One malformed call of `method`, described for the failure message. */
function malform(method: InvokeMethod, random: Random): { args: Payload; what: string } {
  const args = structuredClone(validCalls()[method]);
  const wrong = () => WRONG_VALUES[random.int(WRONG_VALUES.length)]();
  const kinds = args.length === 0 ? ['argument'] : ['argument', 'payload', 'field', 'missing', 'extra'];
  const kind = kinds[random.int(kinds.length)];
  if (kind === 'argument') {
    return { args: [...args, wrong()], what: 'an argument too many' };
  }
  if (kind === 'payload') {
    // Not an empty object: a method whose fields are all optional takes that.
    const notAnObject = WRONG_VALUES.filter((make) => !isPlainEmpty(make()));
    return { args: [notAnObject[random.int(notAnObject.length)]()], what: 'a payload of the wrong kind' };
  }
  if (kind === 'field') {
    const places = slots(args[0]);
    const { parent, key } = places[random.int(places.length)];
    (parent as Record<string | number, unknown>)[key] = wrong();
    return { args, what: `a wrong ${String(key)}` };
  }
  if (kind === 'missing') {
    const required = slots(args[0]).filter(
      ({ parent, key }) => !Array.isArray(parent) && !OPTIONAL.has(String(key)) && !OPTIONAL_IN.has(String(key)),
    );
    if (required.length > 0) {
      const { parent, key } = required[random.int(required.length)];
      delete (parent as Record<string, unknown>)[key as string];
      return { args, what: `no ${String(key)}` };
    }
  }
  const targets = objects(args[0]);
  targets[random.int(targets.length)][`unexpected${random.int(1000)}`] = random.int(2) ? 1 : 'text';
  return { args, what: 'an extra field' };
}

/** Records every method called on `target` (the handler's work), then does it. */
function spy<T extends object>(target: T, name: string, calls: string[]): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(property)}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

describe('the IPC contract under fuzzing', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-fuzz-'));
  const calls: string[] = [];
  let sessions: SessionService;
  let db: Database;
  let client: MlHostClient;
  let handlers: ApiHandlers;

  beforeAll(async () => {
    db = openDatabase(path.join(dir, 'sessions.db'));
    sessions = new SessionService(new SessionStore(db), { activeModel: () => 'default' });
    client = new MlHostClient({ spawn: () => spawnWorkerHost(), modelDir: path.join(BUNDLED_MODELS, 'default') });
    await client.start();
    const library = new ModelLibrary(BUNDLED_MODELS, path.join(dir, 'models'));
    const models = new ModelService(library, new Settings(db), client);
    const training = new TrainingService({
      store: new RunStore(db),
      host: client,
      models,
      runsDir: path.join(dir, 'runs'),
    });
    handlers = createApiHandlers({
      appInfo: () => ({ name: 'emotion-monitor', version: '1.0.0', versions: {} }),
      ml: spy(client, 'ml', calls),
      sessions: spy(sessions, 'sessions', calls),
      storage: spy(
        new DatabaseKeeper(db, { file: path.join(dir, 'sessions.db'), backupsDir: path.join(dir, 'backups') }),
        'storage',
        calls,
      ),
      models: spy(models, 'models', calls),
      training: spy(training, 'training', calls),
      chooseSavePath: spy(async () => undefined, 'chooseSavePath', calls),
      printReport: spy(async () => undefined, 'printReport', calls),
      chooseFolder: spy(async () => undefined, 'chooseFolder', calls),
      chooseDataset: spy(async () => undefined, 'chooseDataset', calls),
      resetWindow: spy(() => undefined, 'resetWindow', calls),
      camera: spy({ requestAccess: async () => 'granted' as const, openSettings: async () => false }, 'camera', calls),
    });
  });

  afterAll(() => {
    client?.dispose();
    sessions?.dispose();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${PAYLOADS} malformed payloads on every method with an error, before any work`, async () => {
    const methods = Object.keys(IPC_CHANNELS) as InvokeMethod[];
    const random = new Random(20261125);
    const perMethod = new Map<InvokeMethod, number>();
    for (let n = 0; n < PAYLOADS; n++) {
      const method = methods[n % methods.length];
      const { args, what } = malform(method, random);
      const before = calls.length;
      const result = await invokeHandler(handlers, method, args);
      expect(result.ok, `${method} with ${what} was accepted`).toBe(false);
      expect(!result.ok && result.error, `${method} with ${what}`).toMatch(/\S/);
      expect(calls.slice(before), `${method} with ${what} reached the handler's work`).toEqual([]);
      perMethod.set(method, (perMethod.get(method) ?? 0) + 1);
    }
    expect([...perMethod.keys()].sort()).toEqual([...methods].sort());
    expect(Math.min(...perMethod.values())).toBeGreaterThanOrEqual(Math.floor(PAYLOADS / methods.length));
  });

  it('still serves valid calls afterwards: the ML process classifies, the database records and reads back', async () => {
    const valid = validCalls();
    const classified = await invokeHandler(handlers, 'classifyFaces', valid.classifyFaces);
    expect(classified.ok && classified.value.probabilities.length).toBe(NUM_CLASSES);
    expect(await invokeHandler(handlers, 'startRecording', valid.startRecording)).toMatchObject({ ok: true });
    expect(await invokeHandler(handlers, 'recordFaces', valid.recordFaces)).toEqual({ ok: true, value: 1 });
    expect(await invokeHandler(handlers, 'stopRecording', [])).toMatchObject({ ok: true });
    const listed = await invokeHandler(handlers, 'listSessions', [{}]);
    expect(listed.ok && listed.value.map((s) => s.samples)).toEqual([1]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
