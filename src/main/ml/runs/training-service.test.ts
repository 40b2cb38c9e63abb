import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bestEpoch, defaultTrainingConfig, type TrainingConfig, type TrainingRun } from '@shared/training';
import { RunStore } from '../../storage/run-store';
import { SessionStore } from '../../storage/session-store';
import { MlHostClient, type HostChannel } from '../host/client';
import { spawnWorkerHost } from '../host/worker-channel';
import { ModelLibrary } from '../models/library';
import { readMetadata } from '../models/model-folder';
import { csvRow, temporaryDir } from '../test-support/fixtures';
import { TrainingService } from './training-service';
import { openDatabase } from '../../storage/database';

const BUNDLED = path.resolve('resources/models');

/** A tiny fer2013.csv: 12 training and 4 test faces per class (test patterns, not faces). */
async function tinyDataset(dir: string): Promise<string> {
  const rows = ['emotion,pixels,Usage'];
  for (let label = 0; label < 7; label++) {
    for (let i = 0; i < 12; i++) rows.push(csvRow(label, label * 100 + i, 'Training'));
    for (let i = 0; i < 4; i++) rows.push(csvRow(label, label * 100 + 50 + i, 'PublicTest'));
  }
  const file = path.join(dir, 'fer2013.csv');
  await writeFile(file, rows.join('\n'));
  return file;
}

function until<T>(read: () => T | undefined, what: string, timeoutMs = 240_000): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = read();
      if (value !== undefined && value !== false) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 25);
    };
    poll();
  });
}

// Real training in the real ML host (a worker thread here): about a minute on a busy 2-core machine.
describe('the training queue, with the real ML host', { timeout: 600_000 }, () => {
  let dir: string;
  let datasetPath: string;
  let sessions: SessionStore;
  let client: MlHostClient;
  let channel: HostChannel | undefined;

  const services: TrainingService[] = [];
  const openService = (changes: TrainingRun[] = []) => {
    const service = new TrainingService({
      store: new RunStore(sessions.db),
      host: client,
      models: (() => {
        const library = new ModelLibrary(BUNDLED, path.join(dir, 'models'));
        return {
          folder: (id: string) => library.folder(id),
          import: (folder: string) => library.import(folder),
          activeId: () => 'bundled:default',
        };
      })(),
      runsDir: path.join(dir, 'runs'),
      backendCandidates: ['wasm'],
      progressIntervalMs: 0,
      onChange: (run) => changes.push(run),
    });
    services.push(service);
    return service;
  };

  const config = (change: Partial<TrainingConfig> = {}): TrainingConfig => ({
    ...defaultTrainingConfig('default'),
    name: 'tiny',
    datasetPath,
    epochs: 3,
    batchSize: 8,
    ...change,
  });

  beforeAll(async () => {
    dir = await temporaryDir();
    datasetPath = await tinyDataset(dir);
    // A cache of this run's own (the ML host's thread inherits it): a teacher is computed here, not read from an earlier run.
    process.env.EMOTION_MONITOR_CACHE = path.join(dir, 'cache');
  });
  afterAll(() => {
    delete process.env.EMOTION_MONITOR_CACHE;
  });

  afterEach(async () => {
    client?.dispose();
    await Promise.all(services.splice(0).map((service) => service.whenIdle()));
    sessions?.db.close();
  });

  const start = async () => {
    sessions = new SessionStore(openDatabase(path.join(dir, `app-${Date.now()}.db`)));
    client = new MlHostClient({
      spawn: () => (channel = spawnWorkerHost()),
      modelDir: path.join(BUNDLED, 'default'),
      restartDelayMs: 10,
    });
    await client.start();
  };

  it('inspects a dataset: counts per split, sample faces per class, the split a run would use', async () => {
    await start();
    const service = openService();
    const summary = await service.inspectDataset({ datasetPath, validationFraction: 0.1, seed: 1 });
    expect(summary.report.counts.train).toEqual([12, 12, 12, 12, 12, 12, 12]);
    expect(summary.report.counts.test).toEqual([4, 4, 4, 4, 4, 4, 4]);
    expect(summary.split).toEqual({ validationFrom: 'test', trainImages: 84, validationImages: 28 });
    expect(summary.samples).toHaveLength(7 * 8);
    expect(summary.samples[0].pixels).toHaveLength(2304);
    expect(summary.underrepresented).toEqual([]);
    await expect(
      service.inspectDataset({ datasetPath: path.join(dir, 'nope'), validationFraction: 0.1, seed: 1 }),
    ).rejects.toThrow('Dataset not found');
  });

  it('runs the queue in order, pauses and resumes, cancels and resumes from the checkpoint, reports', async () => {
    await start();
    const changes: TrainingRun[] = [];
    const service = openService(changes);
    const first = await service.enqueue(config({ name: 'first' }));
    const second = await service.enqueue(
      config({ ...defaultTrainingConfig('seed'), name: 'second', datasetPath, epochs: 2, batchSize: 8 }),
    );
    expect(service.get(second.id).status).toBe('queued'); // one at a time

    await until(() => service.get(first.id).progress, 'first batch');
    // pause() answers once the batch in flight has finished: from then on nothing moves.
    await service.pause(first.id);
    const pausedAt = service.get(first.id).progress!;
    const changesWhenPaused = changes.length;
    // A round trip through the ML process's queue: any progress sent before it has arrived.
    await service.inspectDataset({ datasetPath, validationFraction: 0.1, seed: 1 });
    expect(service.get(first.id)).toMatchObject({ status: 'paused', progress: pausedAt });
    expect(changes.slice(changesWhenPaused).filter((c) => c.id === first.id)).toEqual([]);
    await service.resume(first.id);
    expect(service.get(first.id).status).toBe('running');

    await until(() => service.get(first.id).resumable, 'a checkpoint');
    await service.cancel(first.id);
    await until(() => service.get(first.id).status === 'cancelled', 'cancelled');
    const cancelled = service.get(first.id);
    expect(cancelled.resumable).toBe(true);
    expect(cancelled.history.length).toBeGreaterThanOrEqual(1);

    // The queue moved on to the second run; resuming the first queues it behind.
    await until(() => service.get(second.id).status === 'done', 'second run done');
    await service.resume(first.id);
    await until(() => service.get(first.id).status === 'done', 'first run done');

    const done = service.get(first.id);
    expect(done.history.map((r) => r.epoch)).toEqual([1, 2, 3]); // resumed, not restarted
    expect(done.modelId).toMatch(/^user:first/);
    expect(done.resumable).toBe(false);
    const report = service.report(first.id);
    expect(report.model.evaluation.images).toBe(28);
    expect(report.model.evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(28);
    expect(report.active?.id).toBe('bundled:default');
    expect(report.active?.evaluation.images).toBe(28);
    for (const mistake of report.mistakes) expect(mistake.predicted).not.toBe(mistake.label);
    // Which weights each model holds: the default recipe's last epoch, the seed recipe's best.
    expect(report).toMatchObject({ savedEpoch: done.history[2], keptBest: false });
    const seedRun = service.get(second.id);
    expect(service.report(second.id)).toMatchObject({ savedEpoch: bestEpoch(seedRun.history), keptBest: true });
    const seen = new Set(changes.map((c) => `${c.id}:${c.status}`));
    for (const step of ['queued', 'running', 'paused', 'cancelled', 'done'])
      expect(seen).toContain(`${first.id}:${step}`);
  });

  it('fails a run when the ML process is killed, and resumes it from its checkpoint', async () => {
    await start();
    const service = openService();
    const run = await service.enqueue(config({ name: 'killed' }));
    await until(() => service.get(run.id).resumable, 'a checkpoint');
    const epochsBefore = service.get(run.id).history.length;
    channel!.kill();
    const failed = await until(
      () => (service.get(run.id).status === 'failed' ? service.get(run.id) : undefined),
      'failed',
    );
    expect(failed.message).toMatch(/stopped unexpectedly/);
    expect(failed.resumable).toBe(true);

    await service.resume(run.id); // waits for the restarted ML process
    await until(() => service.get(run.id).status === 'done', 'resumed run done');
    const done = service.get(run.id);
    expect(done.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(done.history.length).toBeGreaterThan(epochsBefore - 1);
    expect(existsSync(path.join(dir, 'models', done.modelId!.slice('user:'.length), 'model.json'))).toBe(true);
  });

  it('answers a pause that a cancel overtakes, and the run ends cancelled, not paused', async () => {
    await start();
    const service = openService();
    const run = await service.enqueue(config({ name: 'race', epochs: 1 }));
    await until(() => service.get(run.id).progress, 'first batch');
    await Promise.all([service.pause(run.id), service.cancel(run.id)]);
    await until(() => service.get(run.id).status === 'cancelled', 'cancelled');
    await service.whenIdle();
    expect(service.get(run.id).status).toBe('cancelled');
  });

  it('leaves a run that was training when the app quit for the next start to recover', async () => {
    await start();
    const service = openService();
    const run = await service.enqueue(config({ name: 'quit' }));
    await until(() => service.get(run.id).progress, 'first batch');
    service.dispose();
    client.dispose(); // the ML process goes with the app
    await service.whenIdle();
    const store = new RunStore(sessions.db);
    expect(store.get(run.id)?.status).toBe('running'); // nothing written while the database closes
    const next = openService();
    expect(next.get(run.id).status).toBe('failed');
  });

  it('refuses to fine-tune a model of another architecture, saying why', async () => {
    await start();
    const service = openService();
    const run = await service.enqueue({
      ...config({ name: 'mismatch' }),
      ...defaultTrainingConfig('seed', datasetPath),
      fineTuneFrom: 'bundled:default',
    });
    await until(() => service.get(run.id).status === 'failed', 'failed');
    expect(service.get(run.id).message).toBe(
      'Cannot fine-tune "default": it is a default model and this run trains seed',
    );
  });

  it('trains a student from the teacher the setup names, which its model records by name', async () => {
    await start();
    const changes: TrainingRun[] = [];
    const service = openService(changes);
    const run = await service.enqueue({
      ...config({ name: 'student', epochs: 1 }),
      architecture: 'fast',
      teacher: 'bundled:default',
    });
    const done = await until(() => (service.get(run.id).status === 'done' ? service.get(run.id) : undefined), 'done');
    const metadata = await readMetadata(path.join(dir, 'models', done.modelId!.replace(/^user:/, '')));
    expect(metadata.architecture).toBe('fast');
    expect(metadata.recipe.distillation).toMatchObject({ teacher: 'default', weight: expect.any(Number) });
    // The wait for the teacher is said while it lasts, and the message goes once training starts.
    expect(
      changes.some((c) => c.message?.startsWith('Computing the teacher’s probabilities for 84 training faces')),
    ).toBe(true);
    expect(done.message).toBeUndefined();
    await expect(service.enqueue({ ...config(), teacher: 'user:nobody' })).rejects.toThrow(/metadata.json is missing/);
  });

  it('marks a run the app stopped during as failed and resumable at the next start', async () => {
    await start();
    const store = new RunStore(sessions.db);
    const run = store.create(config({ name: 'interrupted' }));
    store.update(run.id, { status: 'running', startedAt: Date.now() });
    store.setHistory(run.id, [
      { epoch: 1, loss: 2, accuracy: 0.2, valLoss: 2, valAccuracy: 0.2, seconds: 1, learningRate: 1e-3 },
    ]);
    const service = openService();
    expect(service.get(run.id)).toMatchObject({ status: 'failed' });
    expect(service.get(run.id).message).toMatch(/stopped during this run, after 1 complete epoch/);
    await expect(service.pause(run.id)).rejects.toThrow('A failed run cannot be paused');
    await expect(service.remove(run.id)).resolves.toBeUndefined();
    expect(service.list().find((r) => r.id === run.id)).toBeUndefined();
  });
});

describe('TrainingService.dispose', () => {
  it('stops listening to the host, asks it to stop the run in training, and starts no other', async () => {
    const db = openDatabase(':memory:');
    const requests: { method: string; params: unknown }[] = [];
    let listeners = 0;
    const service = new TrainingService({
      store: new RunStore(db),
      host: {
        request: ((method: string, params: unknown) => {
          requests.push({ method, params });
          return new Promise(() => undefined); // training goes on until told otherwise
        }) as never,
        onEvent: () => {
          listeners++;
          return () => listeners--;
        },
      },
      models: { folder: async () => '/models/x', import: async () => ({}) as never, activeId: () => 'bundled:default' },
      runsDir: await temporaryDir(),
    });
    const first = await service.enqueue({ ...defaultTrainingConfig('default'), datasetPath: '/data', name: 'first' });
    await service.enqueue({ ...defaultTrainingConfig('default'), datasetPath: '/data', name: 'second' });
    await until(() => requests.find((r) => r.method === 'train'), 'the first run to start');
    expect(listeners).toBe(1);

    service.dispose();
    expect(listeners).toBe(0);
    expect(requests.filter((r) => r.method === 'controlTraining')).toEqual([
      { method: 'controlTraining', params: { runId: first.id, action: 'cancel' } },
    ]);
    service.dispose(); // once only
    expect(requests.filter((r) => r.method === 'controlTraining')).toHaveLength(1);
    expect(requests.filter((r) => r.method === 'train')).toHaveLength(1); // the second never starts
    db.close();
  });
});
