/*
 * Over 400 lines on purpose: the main side of the whole contract, one block per method and its
 * refusals, over one set of real services (the fuzz test adds malformed payloads for every method).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_FACES_PER_CALL, MAX_FACES_PER_FRAME, type MlStatus } from '@shared/api';
import { EMOTIONS, FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { ModelLibrary } from '../ml/models/library';
import { ModelService } from '../ml/runs/model-service';
import { DatabaseKeeper } from '../storage/maintenance';
import { SessionService } from '../storage/session-service';
import { RunStore } from '../storage/run-store';
import { TrainingService } from '../ml/runs/training-service';
import { defaultTrainingConfig } from '@shared/training';
import { createApiHandlers, fileNameFor, invokeHandler, isInvokeMethod } from './handlers';
import { openDatabase } from '../storage/database';
import { SessionStore } from '../storage/session-store';
import { Settings } from '../storage/settings';

const BUNDLED_MODELS = path.resolve('resources/models');
const scratch = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-handlers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What reached the ML process from the training methods. */
const hostCalls: { method: string; params: unknown }[] = [];
/** Reports the handlers asked to be printed. */
const printedReports: { request: unknown; files: { pdf: string; png: string } }[] = [];

/** How often the handlers asked the window to go back to its default size. */
let windowResets = 0;

function handlersWith(classified: Float32Array[], savePath?: string, folder?: string, usedModels: string[] = []) {
  const status: MlStatus = { state: 'ready', restarts: 0, model: 'default', backend: 'wasm' };
  const db = openDatabase(':memory:');
  const sessions = new SessionService(new SessionStore(db), { activeModel: () => 'default' });
  const userModels = mkdtempSync(path.join(scratch, 'user-models-'));
  const library = new ModelLibrary(BUNDLED_MODELS, userModels);
  const ml = {
    useModel: async (dir: string) => {
      usedModels.push(dir);
      return status;
    },
  };
  const models = new ModelService(library, new Settings(db), ml);
  const training = new TrainingService({
    store: new RunStore(db),
    // The ML process stands still here: runs stay queued/running; its calls are recorded.
    host: {
      request: (method, params) => {
        hostCalls.push({ method, params });
        return new Promise(() => undefined);
      },
      onEvent: () => () => undefined,
    },
    models,
    runsDir: path.join(userModels, 'runs'),
  });
  return createApiHandlers({
    training,
    storage: new DatabaseKeeper(db, {
      file: ':memory:',
      backupsDir: path.join(userModels, 'backups'),
      notice: 'checked',
    }),
    chooseDataset: async () => folder,
    appInfo: () => ({ name: 'emotion-monitor', version: '1.0.0', versions: {} }),
    sessions,
    models,
    chooseSavePath: async () => savePath,
    printReport: async (request, files) => void printedReports.push({ request, files }),
    chooseFolder: async () => folder,
    resetWindow: () => void windowResets++,
    camera: { requestAccess: async () => 'denied', openSettings: async () => true },
    ml: {
      status,
      // Stands in for the host: a live frame goes to the crowd model here, whatever its faces.
      classify: async (faces, { live = false } = {}) => {
        classified.push(faces);
        return {
          probabilities: new Float32Array((faces.length / FACE_PIXELS) * NUM_CLASSES),
          inferenceMs: 1,
          model: live ? 'fast' : 'default',
        };
      },
    },
  });
}

describe('API handlers', () => {
  it('classify a valid batch and name the model', async () => {
    const seen: Float32Array[] = [];
    const result = await invokeHandler(handlersWith(seen), 'classifyFaces', [
      { faces: new Float32Array(2 * FACE_PIXELS) },
    ]);
    expect(result).toMatchObject({ ok: true, value: { model: 'default' } });
    expect(result.ok && result.value.probabilities.length).toBe(2 * NUM_CLASSES);
    expect(seen).toHaveLength(1);
  });

  it('say whether a batch is a live frame, which the ML process may give to its crowd model', async () => {
    const live = await invokeHandler(handlersWith([]), 'classifyFaces', [
      { faces: new Float32Array(FACE_PIXELS), live: true },
    ]);
    expect(live).toMatchObject({ ok: true, value: { model: 'fast' } });
    const refused = await invokeHandler(handlersWith([]), 'classifyFaces', [
      { faces: new Float32Array(FACE_PIXELS), live: 'yes' },
    ]);
    expect(!refused.ok && refused.error).toMatch(/live must be true or false/);
  });

  it('classify a room of twenty faces, and a full frame of MAX_FACES_PER_CALL, in one call each', async () => {
    const seen: Float32Array[] = [];
    for (const count of [20, MAX_FACES_PER_CALL]) {
      const result = await invokeHandler(handlersWith(seen), 'classifyFaces', [
        { faces: new Float32Array(count * FACE_PIXELS) },
      ]);
      expect(result.ok && result.value.probabilities.length).toBe(count * NUM_CLASSES);
    }
    expect(seen.map((faces) => faces.length / FACE_PIXELS)).toEqual([20, MAX_FACES_PER_CALL]);
  });

  it.each([
    ['nothing', [], /expects \{ faces: Float32Array \}/],
    ['null', [null], /expects \{ faces: Float32Array \}/],
    ['a plain array', [{ faces: [0.5, 0.5] }], /must be a Float32Array/],
    ['a wrong length', [{ faces: new Float32Array(FACE_PIXELS + 1) }], /got 2305 values/],
    ['no faces', [{ faces: new Float32Array(0) }], /1 to 32 crops/],
    ['too many faces', [{ faces: new Float32Array((MAX_FACES_PER_CALL + 1) * FACE_PIXELS) }], /1 to 32 crops/],
    ['values above 1', [{ faces: new Float32Array(FACE_PIXELS).fill(255) }], /faces\[0\] is 255, not in \[0, 1\]/],
    ['NaN', [{ faces: new Float32Array(FACE_PIXELS).fill(Number.NaN) }], /faces\[0\] is NaN/],
    ['extra arguments', [{ faces: new Float32Array(FACE_PIXELS) }, 'more'], /after its request/],
  ])('refuse %s with a clear error, without reaching the classifier', async (_name, args, message) => {
    const seen: Float32Array[] = [];
    const result = await invokeHandler(handlersWith(seen), 'classifyFaces', args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
    expect(seen).toHaveLength(0);
  });

  it('refuse arguments to methods that take none, and know their own method names', async () => {
    const handlers = handlersWith([]);
    expect(await invokeHandler(handlers, 'getMlStatus', ['x'])).toEqual({
      ok: false,
      error: 'getMlStatus takes no arguments',
    });
    expect(await invokeHandler(handlers, 'getAppInfo', [])).toMatchObject({ ok: true, value: { version: '1.0.0' } });
    expect(isInvokeMethod(handlers, 'classifyFaces')).toBe(true);
    expect(isInvokeMethod(handlers, 'constructor')).toBe(false);
    expect(isInvokeMethod(handlers, '__proto__')).toBe(false);
  });
});

const face = (faceId: number) => ({
  faceId,
  probabilities: EMOTIONS.map((_, i) => (i === 3 ? 0.7 : 0.05)),
  box: { x: 0.1, y: 0.1, width: 0.3, height: 0.3 },
});

describe('handler failures', () => {
  it('are logged with their stack, except a malformed payload, and answered with their message', async () => {
    const handlers = handlersWith([]);
    const logged: { message: string; error: unknown }[] = [];
    const log = { error: (message: string, error?: unknown) => void logged.push({ message, error }) };
    const broken = {
      ...handlers,
      // A bug as it would be written: reading a field of something that is not there.
      getAppInfo: async () => ({ name: (undefined as unknown as { name: string }).name, version: '', versions: {} }),
    };
    expect(await invokeHandler(broken, 'getAppInfo', [], log)).toMatchObject({ ok: false, error: expect.any(String) });
    expect(logged).toEqual([{ message: 'getAppInfo failed', error: expect.any(TypeError) }]);
    expect((logged[0].error as Error).stack).toMatch(/handlers\.test\.ts/);

    expect(await invokeHandler(handlers, 'getSessionDetail', [{ id: 'one' }], log)).toMatchObject({ ok: false });
    expect(logged).toHaveLength(1); // the renderer's malformed call: answered, not logged
    expect(await invokeHandler(handlers, 'getSessionDetail', [{ id: 5, bucketMs: 1000 }], log)).toMatchObject({
      error: 'There is no session 5',
    });
    expect(logged.map((entry) => entry.message)).toEqual(['getAppInfo failed', 'getSessionDetail failed']);
  });
});

describe('session API handlers', () => {
  it('record a session: start, faces, a marker, stop, then list, detail and export it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-export-'));
    try {
      const handlers = handlersWith([], path.join(dir, 'out.csv'));
      const started = await invokeHandler(handlers, 'startRecording', [{ name: 'Meeting, Monday' }]);
      expect(started).toMatchObject({ ok: true, value: { name: 'Meeting, Monday', model: 'default' } });
      expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1), face(2)] }])).toEqual({
        ok: true,
        value: 2,
      });
      expect(await invokeHandler(handlers, 'addMarker', [{ text: 'question 3' }])).toMatchObject({ ok: true });
      expect(await invokeHandler(handlers, 'startRecording', [{}])).toMatchObject({
        ok: false,
        error: expect.stringMatching(/Already recording/),
      });
      const stopped = await invokeHandler(handlers, 'stopRecording', []);
      expect(stopped.ok && stopped.value?.samples).toBe(2);
      const list = await invokeHandler(handlers, 'listSessions', [{ query: 'meeting' }]);
      expect(list.ok && list.value.map((s) => s.name)).toEqual(['Meeting, Monday']);
      const id = list.ok ? list.value[0].id : 0;
      const detail = await invokeHandler(handlers, 'getSessionDetail', [{ id, bucketMs: 1000 }]);
      expect(detail.ok && detail.value.markers.map((m) => m.text)).toEqual(['question 3']);
      expect(detail.ok && detail.value.faces).toEqual([1, 2]);
      // Stretches of it: its first hour holds both samples, its second none.
      const hour = 3_600_000;
      const first = await invokeHandler(handlers, 'getTimeline', [{ id, bucketMs: 1000, fromMs: 0, toMs: hour }]);
      expect(first.ok && first.value.reduce((n, b) => n + b.samples, 0)).toBe(2);
      const faceTwo = await invokeHandler(handlers, 'getTimeline', [
        { id, bucketMs: 1000, fromMs: 0, toMs: hour, faceIds: [2] },
      ]);
      expect(faceTwo.ok && faceTwo.value.reduce((n, b) => n + b.samples, 0)).toBe(1);
      const second = await invokeHandler(handlers, 'getTimeline', [
        { id, bucketMs: 1000, fromMs: hour, toMs: 2 * hour },
      ]);
      expect(second).toEqual({ ok: true, value: [] });
      const exported = await invokeHandler(handlers, 'exportCsv', [{ kind: 'samples', sessionIds: [id] }]);
      expect(exported).toMatchObject({ ok: true, value: { rows: 2 } });
      expect(readFileSync(path.join(dir, 'out.csv'), 'utf8')).toContain('"Meeting, Monday"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('record twenty faces at once, and keep and export all twenty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-export-'));
    try {
      const handlers = handlersWith([], path.join(dir, 'room.csv'));
      const source = { kind: 'video', fileName: 'classroom.webm', durationMs: 60_000 };
      await invokeHandler(handlers, 'startRecording', [{ source, samplesPerFacePerSecond: 5 }]);
      const twenty = Array.from({ length: 20 }, (_, i) => face(i + 1));
      for (const offsetMs of [0, 200, 400])
        expect(await invokeHandler(handlers, 'recordFaces', [{ faces: twenty, offsetMs }])).toEqual({
          ok: true,
          value: 20,
        });
      const stopped = await invokeHandler(handlers, 'stopRecording', []);
      expect(stopped.ok && stopped.value).toMatchObject({ samples: 60, faces: 20 });
      const id = stopped.ok ? stopped.value!.id : 0;
      const detail = await invokeHandler(handlers, 'getSessionDetail', [{ id, bucketMs: 1000 }]);
      expect(detail.ok && detail.value.faces).toEqual(twenty.map((f) => f.faceId));
      expect(await invokeHandler(handlers, 'exportCsv', [{ kind: 'samples', sessionIds: [id] }])).toMatchObject({
        ok: true,
        value: { rows: 60 },
      });
      const faceIds = new Set(
        readFileSync(path.join(dir, 'room.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.split(',')[4]),
      );
      expect(faceIds.size).toBe(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("record a video file's analysis in video time: file name and length kept, cancelled marks it incomplete", async () => {
    const handlers = handlersWith([]);
    const source = { kind: 'video', fileName: 'interview.webm', durationMs: 60_000 };
    const started = await invokeHandler(handlers, 'startRecording', [{ source, samplesPerFacePerSecond: 5 }]);
    expect(started).toMatchObject({ ok: true, value: { name: 'interview.webm', source, incomplete: false } });
    // Video time, not the clock: two frames 200 ms apart in the video, analysed in the same instant.
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)], offsetMs: 0 }])).toEqual({
      ok: true,
      value: 1,
    });
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)], offsetMs: 200 }])).toEqual({
      ok: true,
      value: 1,
    });
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)], offsetMs: 300 }])).toEqual({
      ok: true,
      value: 0,
    });
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)] }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/need their time in the video/),
    });
    expect(await invokeHandler(handlers, 'addMarker', [{ text: 'x' }])).toMatchObject({ ok: false });
    const stopped = await invokeHandler(handlers, 'stopRecording', [{ incomplete: true }]);
    // Incomplete: its length is what was analysed, not the file's.
    expect(stopped).toMatchObject({ ok: true, value: { samples: 2, incomplete: true, durationMs: 200 } });
    const id = stopped.ok ? stopped.value!.id : 0;
    const detail = await invokeHandler(handlers, 'getSessionDetail', [{ id, bucketMs: 100 }]);
    expect(detail.ok && detail.value.timeline.map((bucket) => bucket.offsetMs)).toEqual([0, 200]);

    await invokeHandler(handlers, 'startRecording', [{ source }]);
    await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)], offsetMs: 59_800 }]);
    expect(await invokeHandler(handlers, 'stopRecording', [{ incomplete: false }])).toMatchObject({
      ok: true,
      value: { incomplete: false, durationMs: 60_000 },
    });
  });

  it('refuse a video time in a live recording', async () => {
    const handlers = handlersWith([]);
    await invokeHandler(handlers, 'startRecording', [{}]);
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)], offsetMs: 5 }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/times its samples itself/),
    });
    expect(await invokeHandler(handlers, 'stopRecording', [{ incomplete: true }])).toMatchObject({
      ok: true,
      value: { incomplete: false, durationMs: expect.any(Number) },
    });
  });

  it('take a baseline for a face of the live recording only, two distributions checked', async () => {
    const handlers = handlersWith([]);
    const reference = [0.1, 0.02, 0.1, 0.1, 0.18, 0.05, 0.45];
    const request = {
      faceId: 1,
      baseline: [0.1, 0.02, 0.08, 0.05, 0.45, 0.02, 0.28],
      reference,
      strength: 1,
      frames: 9,
      model: 'default',
    };
    expect(await invokeHandler(handlers, 'setBaseline', [request])).toMatchObject({
      error: expect.stringMatching(/start recording first/),
    });
    await invokeHandler(handlers, 'startRecording', [{}]);
    expect(
      await invokeHandler(handlers, 'setBaseline', [{ ...request, baseline: [1, 1, 1, 1, 1, 1, 1] }]),
    ).toMatchObject({ error: expect.stringMatching(/baseline must sum to 1, not 7/) });
    expect(await invokeHandler(handlers, 'setBaseline', [{ ...request, reference: [0.5, 0.5] }])).toMatchObject({
      error: expect.stringMatching(/reference must hold 7 probabilities/),
    });
    expect(await invokeHandler(handlers, 'setBaseline', [request])).toMatchObject({ ok: true, value: { faceId: 1 } });
    expect(await invokeHandler(handlers, 'recordFaces', [{ faces: [face(1)] }])).toEqual({ ok: true, value: 1 });
    const stopped = await invokeHandler(handlers, 'stopRecording', []);
    const id = stopped.ok ? stopped.value!.id : 0;
    const detail = await invokeHandler(handlers, 'getSessionDetail', [{ id, bucketMs: 1000, values: 'raw' }]);
    expect(detail).toMatchObject({ ok: true, value: { values: 'raw', baselines: [{ faceId: 1, frames: 9 }] } });
    expect(await invokeHandler(handlers, 'getSessionDetail', [{ id, bucketMs: 1000, values: 'both' }])).toMatchObject({
      error: expect.stringMatching(/values must be one of/),
    });
  });

  it('print a report where the user chose, its chart beside it, and nothing when the dialog is cancelled', async () => {
    const cancelled = handlersWith([]);
    await invokeHandler(cancelled, 'startRecording', [{ name: 'Interview: "A/B"' }]);
    const stopped = await invokeHandler(cancelled, 'stopRecording', []);
    const id = stopped.ok ? stopped.value!.id : 0;
    printedReports.length = 0;
    expect(await invokeHandler(cancelled, 'exportReport', [{ sessionId: id }])).toEqual({ ok: true });
    expect(printedReports).toEqual([]);

    const pdf = path.join(scratch, 'report.pdf');
    const handlers = handlersWith([], pdf);
    await invokeHandler(handlers, 'startRecording', [{}]);
    await invokeHandler(handlers, 'stopRecording', []);
    expect(await invokeHandler(handlers, 'exportReport', [{ sessionId: 1, values: 'raw' }])).toEqual({
      ok: true,
      value: { path: pdf, chartPath: path.join(scratch, 'report-timeline.png') },
    });
    expect(printedReports).toEqual([
      { request: { sessionId: 1, values: 'raw' }, files: { pdf, png: path.join(scratch, 'report-timeline.png') } },
    ]);
    expect(await invokeHandler(handlers, 'exportReport', [{ sessionId: 7 }])).toMatchObject({
      error: 'There is no session 7',
    });
    expect(fileNameFor('Interview: "A/B"')).toBe('Interview- -A-B-');
    expect(fileNameFor('..')).toBe('session');
  });

  it('answer a cancelled save dialog with nothing written', async () => {
    const handlers = handlersWith([], undefined);
    expect(await invokeHandler(handlers, 'exportCsv', [{ kind: 'summary' }])).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['recordFaces', [{ faces: 'x' }], /list of at most 32 faces/],
    [
      'recordFaces',
      [{ faces: Array.from({ length: MAX_FACES_PER_FRAME + 1 }, (_, i) => face(i)) }],
      /list of at most 32 faces/,
    ],
    ['recordFaces', [{ faces: [{ ...face(1), probabilities: [1, 0] }] }], /must hold 7 values/],
    [
      'recordFaces',
      [{ faces: [{ ...face(1), probabilities: [2, 0, 0, 0, 0, 0, 0] }] }],
      /probabilities\[0\] must be in \[0, 1\]/,
    ],
    ['recordFaces', [{ faces: [{ ...face(-1) }] }], /faceId must be a whole number/],
    ['recordFaces', [{ faces: [{ ...face(1), box: { x: 'a' } }] }], /box.x must be a number/],
    ['addMarker', [{ text: 42 }], /text must be text/],
    ['addMarker', [{ text: 'x'.repeat(10_001) }], /longer than 10000/],
    ['getSessionDetail', [{ id: 1, bucketMs: 0 }], /bucketMs must be a whole number/],
    ['getSessionDetail', [{ id: 'one', bucketMs: 1000 }], /id must be a whole number/],
    ['getTimeline', [{ id: 1, bucketMs: 1000, fromMs: 5000, toMs: 5000 }], /toMs must be a whole number from 5001/],
    [
      'getTimeline',
      [{ id: 1, bucketMs: 1000, fromMs: 0, toMs: 86_400_000 }],
      /toMs must be a whole number from 1 to 10000000/,
    ],
    ['getTimeline', [{ id: 1, bucketMs: 1000, fromMs: 500, toMs: 9000 }], /multiples of bucketMs/],
    ['getTimeline', [{ id: 1, bucketMs: 1000, fromMs: 0, toMs: 9000, faceIds: 3 }], /faceIds must be a list/],
    ['getTimeline', [{ id: 1, bucketMs: 1000, fromMs: 0, toMs: 9000, faceIds: [-1] }], /faceIds\[0\] must be/],
    ['updateSession', [{ id: 1, name: '' }], /name must not be empty/],
    ['deleteSessions', [{ ids: [1.5] }], /ids\[0\] must be a whole number/],
    ['exportCsv', [{ kind: 'xlsx' }], /kind must be/],
    [
      'startRecording',
      [{ samplesPerFacePerSecond: 100 }],
      /samplesPerFacePerSecond must be a whole number from 1 to 30/,
    ],
    ['listSessions', [null], /expects an object/],
    ['recordFaces', [{ faces: [], offsetMs: -1 }], /offsetMs must be a number from 0/],
    ['recordFaces', [{ faces: [], offsetMs: Number.NaN }], /offsetMs must be a number/],
    ['startRecording', [{ source: { kind: 'video', fileName: '/home/me/a.webm', durationMs: 5 } }], /not a path/],
    [
      'startRecording',
      [{ source: { kind: 'stream', fileName: 'a.webm', durationMs: 5 } }],
      /kind must be one of video/,
    ],
    [
      'startRecording',
      [{ source: { kind: 'video', fileName: 'a.webm', durationMs: 0 } }],
      /durationMs must be a number/,
    ],
    ['stopRecording', [{ incomplete: 'yes' }], /incomplete must be true or false/],
  ] as const)('refuse a malformed %s payload with a clear error', async (method, args, message) => {
    const result = await invokeHandler(handlersWith([]), method, [...args]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });

  it('refuse markers when nothing is recorded, and a session that does not exist', async () => {
    const handlers = handlersWith([]);
    expect(await invokeHandler(handlers, 'addMarker', [{ text: 'hi' }])).toMatchObject({
      error: expect.stringMatching(/only be added while recording/),
    });
    expect(await invokeHandler(handlers, 'getSessionDetail', [{ id: 99, bucketMs: 1000 }])).toMatchObject({
      error: 'There is no session 99',
    });
  });
});

describe('model API handlers', () => {
  it('list the library, import a folder, activate it live and remember it, and refuse to delete it while active', async () => {
    const used: string[] = [];
    const handlers = handlersWith([], undefined, path.join(BUNDLED_MODELS, 'default'), used);
    const listed = await invokeHandler(handlers, 'listModels', []);
    expect(listed).toMatchObject({
      ok: true,
      value: {
        activeId: 'bundled:default',
        models: [{ id: 'bundled:default' }, { id: 'bundled:fast' }, { id: 'bundled:seed' }],
      },
    });
    const imported = await invokeHandler(handlers, 'importModel', []);
    expect(imported).toMatchObject({ ok: true, value: { id: 'user:default', bundled: false } });
    expect(await invokeHandler(handlers, 'activateModel', [{ id: 'user:default' }])).toMatchObject({ ok: true });
    expect(used).toHaveLength(1);
    expect(used[0]).toMatch(/default$/);
    const after = await invokeHandler(handlers, 'listModels', []);
    expect(after.ok && after.value.activeId).toBe('user:default');
    expect(await invokeHandler(handlers, 'deleteModel', [{ id: 'user:default' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/active one/),
    });
    expect(await invokeHandler(handlers, 'deleteModel', [{ id: 'bundled:default' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot be deleted/),
    });
  });

  it("pass on the system's word on the camera and open its settings, taking no payload", async () => {
    const handlers = handlersWith([]);
    expect(await invokeHandler(handlers, 'requestCameraAccess', [])).toEqual({ ok: true, value: 'denied' });
    expect(await invokeHandler(handlers, 'openCameraSettings', [])).toEqual({ ok: true, value: true });
    expect(await invokeHandler(handlers, 'requestCameraAccess', ['camera'])).toMatchObject({ ok: false });
  });

  it('reset the settings: the bundled default is live again, remembered, and the window goes back to its default size', async () => {
    const used: string[] = [];
    const handlers = handlersWith([], undefined, path.join(BUNDLED_MODELS, 'seed'), used);
    expect(await invokeHandler(handlers, 'activateModel', [{ id: 'bundled:seed' }])).toMatchObject({ ok: true });
    const resetsBefore = windowResets;
    expect(await invokeHandler(handlers, 'resetSettings', [])).toMatchObject({ ok: true, value: { state: 'ready' } });
    expect(used.at(-1)).toMatch(/default$/);
    const after = await invokeHandler(handlers, 'listModels', []);
    expect(after.ok && after.value.activeId).toBe('bundled:default');
    expect(windowResets).toBe(resetsBefore + 1);
    expect(await invokeHandler(handlers, 'resetSettings', [{ all: true }])).toMatchObject({ ok: false });
    expect(windowResets).toBe(resetsBefore + 1);
  });

  it('do nothing when the folder dialog is cancelled, and refuse unknown models', async () => {
    const handlers = handlersWith([], undefined, undefined);
    expect(await invokeHandler(handlers, 'importModel', [])).toEqual({ ok: true, value: undefined });
    expect(await invokeHandler(handlers, 'activateModel', [{ id: 'user:nope' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/metadata.json is missing/),
    });
    expect(await invokeHandler(handlers, 'exportModel', [{ id: '../x' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Unknown model/),
    });
    expect(await invokeHandler(handlers, 'renameModel', [{ id: 'bundled:default' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/name must not be empty/),
    });
  });

  it('check a training setup field by field before anything reaches the ML process', async () => {
    const handlers = handlersWith([]);
    const good = defaultTrainingConfig('seed', '/data/fer2013');
    hostCalls.length = 0;
    const cases: [unknown, RegExp][] = [
      [undefined, /expects an object/],
      [{ config: { ...good, datasetPath: 'relative/path' } }, /absolute path/],
      [{ config: { ...good, epochs: 0 } }, /epochs must be a whole number from 1 to 500/],
      [{ config: { ...good, batchSize: 2.5 } }, /batchSize must be a whole number/],
      [{ config: { ...good, learningRate: Number.NaN } }, /learningRate must be a number/],
      [{ config: { ...good, architecture: 'resnet' } }, /architecture must be one of default, fast, seed/],
      [{ config: { ...good, augment: { ...good.augment, flip: 'yes' } } }, /augment.flip must be true or false/],
      [{ config: { ...good, validationFraction: 0.9 } }, /validationFraction must be a number from 0.05 to 0.5/],
      [{ config: { ...good, shell: 'rm -rf /' } }, /config: shell is not one of its fields/],
      [{ config: { ...good, fineTuneFrom: 'user:nope' } }, /metadata.json is missing/],
      [{ config: { ...good, teacher: 'user:nope' } }, /metadata.json is missing/],
      [{ config: { ...good, teacher: 42 } }, /teacher must be text/],
    ];
    for (const [payload, error] of cases) {
      expect(await invokeHandler(handlers, 'startTraining', payload === undefined ? [] : [payload])).toMatchObject({
        ok: false,
        error: expect.stringMatching(error),
      });
    }
    expect(hostCalls).toEqual([]);
    expect(await invokeHandler(handlers, 'listTrainingRuns', [])).toEqual({ ok: true, value: [] });
    expect(await invokeHandler(handlers, 'inspectDataset', [{ path: '/x', validationFraction: 0.1 }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/seed must be a whole number/),
    });
    expect(await invokeHandler(handlers, 'pauseTraining', [{ id: 'one' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/id must be/),
    });
    expect(await invokeHandler(handlers, 'getRunReport', [{ id: 7 }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/No training run 7/),
    });
    expect(await invokeHandler(handlers, 'chooseDataset', [{ kind: 'zip' }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/kind must be/),
    });
  });

  it('queue a valid run, which starts in the ML process, and refuse moves its state does not allow', async () => {
    const handlers = handlersWith([]);
    hostCalls.length = 0;
    const config = defaultTrainingConfig('default', '/data/fer2013');
    const started = await invokeHandler(handlers, 'startTraining', [{ config }]);
    expect(started).toMatchObject({ ok: true, value: { status: 'running', config } });
    expect(hostCalls.map((c) => c.method)).toEqual(['train']);
    const id = started.ok ? started.value.id : 0;
    expect(await invokeHandler(handlers, 'resumeTraining', [{ id }])).toMatchObject({
      ok: false,
      error: 'A running run cannot be resumed',
    });
    expect(await invokeHandler(handlers, 'deleteTrainingRun', [{ id }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cancel it first/),
    });
    expect(await invokeHandler(handlers, 'getRunReport', [{ id }])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/its report comes when it is done/),
    });

    // A second run waits in the queue; cancelling it needs no ML process, resuming queues it again.
    const second = await invokeHandler(handlers, 'startTraining', [{ config }]);
    expect(second).toMatchObject({ ok: true, value: { status: 'queued' } });
    const secondId = second.ok ? second.value.id : 0;
    expect(await invokeHandler(handlers, 'cancelTraining', [{ id: secondId }])).toMatchObject({
      ok: true,
      value: { status: 'cancelled', resumable: false },
    });
    expect(await invokeHandler(handlers, 'resumeTraining', [{ id: secondId }])).toMatchObject({
      ok: true,
      value: { status: 'queued' },
    });
    expect(hostCalls.map((c) => c.method)).toEqual(['train']);
  });
});
