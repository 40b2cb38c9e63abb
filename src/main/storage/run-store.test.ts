import { describe, expect, it } from 'vitest';
import { defaultTrainingConfig, type EvaluationReport, type RunReport } from '@shared/training';
import { RunStore } from './run-store';
import { SessionStore } from './session-store';
import { openDatabase } from './database';

const evaluation: EvaluationReport = {
  accuracy: 0.5,
  macroF1: 0.4,
  perClass: [],
  macroAverage: { precision: 0.4, recall: 0.4, f1: 0.4, support: 2 },
  weightedAverage: { precision: 0.4, recall: 0.4, f1: 0.4, support: 2 },
  confusion: [[1]],
  images: 2,
  split: 'test',
  testTimeFlip: false,
  temperature: 1.4,
  ece: 0.02,
  eceUncalibrated: 0.1,
};

describe('training runs in the database', () => {
  it('keeps a run: setup, state changes, history, model, and lists the oldest queued run first', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const runs = new RunStore(store.db);
    const first = runs.create(defaultTrainingConfig('seed', '/data/a'), 1000);
    const second = runs.create(defaultTrainingConfig('default', '/data/b'), 2000);
    expect(first).toMatchObject({ status: 'queued', createdAt: 1000, history: [], hasReport: false });
    expect(first.config).toEqual(defaultTrainingConfig('seed', '/data/a'));
    expect(runs.nextQueued()?.id).toBe(first.id);
    expect(runs.list().map((r) => r.id)).toEqual([second.id, first.id]); // newest first

    runs.update(first.id, { status: 'running', startedAt: 1500, backend: 'wasm' });
    runs.setHistory(first.id, [
      { epoch: 1, loss: 2, accuracy: 0.2, valLoss: 1.9, valAccuracy: 0.25, seconds: 3, learningRate: 1e-4 },
    ]);
    expect(runs.nextQueued()?.id).toBe(second.id);
    runs.update(first.id, { status: 'done', endedAt: 9000, modelId: 'user:seed-model', message: undefined });
    expect(runs.get(first.id)).toMatchObject({
      status: 'done',
      startedAt: 1500,
      endedAt: 9000,
      backend: 'wasm',
      modelId: 'user:seed-model',
      history: [{ epoch: 1, valAccuracy: 0.25 }],
    });
    expect(runs.runOfModel('user:seed-model')).toBe(first.id);
    expect(runs.runOfModel('bundled:default')).toBeUndefined();
    runs.delete(second.id);
    expect(runs.get(second.id)).toBeUndefined();
    store.db.close();
  });

  it('stores a report with its mistake faces byte for byte', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const runs = new RunStore(store.db);
    const run = runs.create(defaultTrainingConfig('default', '/data'));
    const pixels = Uint8Array.from({ length: 2304 }, (_, i) => (i * 7) % 256);
    const report: RunReport = {
      runId: run.id,
      model: { id: 'user:x', name: 'x', evaluation },
      mistakes: [{ pixels, label: 3, predicted: 6, confidence: 0.9 }],
      active: { id: 'bundled:default', name: 'default', evaluation },
      split: 'test',
    };
    expect(runs.report(run.id)).toBeUndefined();
    runs.saveReport(run.id, report);
    expect(runs.get(run.id)?.hasReport).toBe(true);
    const read = runs.report(run.id)!;
    expect(read.mistakes[0].pixels).toEqual(pixels);
    expect(read).toEqual(report);
    store.db.close();
  });
});
