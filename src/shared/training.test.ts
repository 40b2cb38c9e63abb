import { describe, expect, it } from 'vitest';
import { EMOTIONS } from './emotions';
import {
  datasetName,
  defaultTrainingConfig,
  reportVerdict,
  settingProblems,
  batchSizeFor,
  splitLabel,
  viewsLabel,
  type EvaluationReport,
  type RunReport,
} from './training';

/** An evaluation on 100 faces, 40 of them happy (the majority), with the given accuracy. */
function evaluation(accuracy: number): EvaluationReport {
  const supports = [10, 2, 10, 40, 15, 8, 15];
  const metrics = { precision: 0, recall: 0, f1: 0, support: 100 };
  return {
    accuracy,
    macroF1: 0,
    perClass: EMOTIONS.map((label, c) => ({ label, precision: 0, recall: 0, f1: 0, support: supports[c] })),
    macroAverage: metrics,
    weightedAverage: metrics,
    confusion: [],
    images: 100,
    split: 'test',
    testTimeFlip: false,
    temperature: 1,
    ece: 0,
    eceUncalibrated: 0,
  };
}

const report = (mine: number, live?: number): Pick<RunReport, 'model' | 'active'> => ({
  model: { name: 'new', evaluation: evaluation(mine) },
  active: live === undefined ? undefined : { id: 'bundled:default', name: 'live', evaluation: evaluation(live) },
});

describe('what a training report recommends', () => {
  it('recommends a model that beats the live one', () => {
    expect(reportVerdict(report(0.7, 0.65))).toEqual({ kind: 'better' });
    expect(reportVerdict(report(0.7))).toEqual({ kind: 'better' });
  });

  it('says so when the new model is worse than the live one', () => {
    const verdict = reportVerdict(report(0.6, 0.68));
    expect(verdict.kind).toBe('worse');
    expect(verdict.kind === 'worse' && verdict.byPoints).toBeCloseTo(8, 6);
  });

  it('says so when the new model is no better than always answering the most common emotion', () => {
    expect(reportVerdict(report(0.405, 0.3))).toEqual({ kind: 'chance', chanceAccuracy: 0.4, majority: 'happy' });
    expect(reportVerdict(report(0.1))).toMatchObject({ kind: 'chance' });
    expect(reportVerdict(report(0.45)).kind).toBe('better');
  });

  it('names every split a model is scored on', () => {
    expect(splitLabel('test')).toBe('the test split');
    expect(splitLabel('all')).toBe('all images');
    expect(splitLabel('held-out train')).toBe('the held-out part of train');
  });

  it('names a dataset by its folder or file, not its whole path', () => {
    expect(datasetName('/work/shared/fer2013')).toBe('fer2013');
    expect(datasetName('/home/ana/data/fer2013.csv')).toBe('fer2013.csv');
    expect(datasetName('C:\\Users\\ana\\FER\\')).toBe('FER');
    expect(datasetName('unknown')).toBe('unknown');
  });

  it('finds impossible training settings, and none in the defaults', () => {
    expect(settingProblems(defaultTrainingConfig('default'))).toEqual({});
    expect(settingProblems(defaultTrainingConfig('seed'))).toEqual({});
    const good = defaultTrainingConfig('default');
    for (const learningRate of [-1, 0, 50, Number.NaN]) {
      expect(settingProblems({ ...good, learningRate }).learningRate).toMatch(/learning rate must be/);
    }
    expect(settingProblems({ ...good, epochs: 2.5 }).epochs).toMatch(/whole number from 1 to 500/);
    expect(settingProblems({ ...good, batchSize: 4 }).batchSize).toMatch(/from 8 to 1024/);
    expect(settingProblems({ ...good, name: '  ' }).name).toBeDefined();
  });

  it('checks the batch size against the training images, naming one that fits', () => {
    const good = defaultTrainingConfig('default');
    expect(settingProblems({ ...good, batchSize: 128 }, 126).batchSize).toBe(
      'This dataset has 126 training images, fewer than one batch of 128: choose a batch size of at most 126 ' +
        '(16 gives 7 steps an epoch), or add images.',
    );
    expect(settingProblems({ ...good, batchSize: 64 }, 126)).toEqual({});
    expect(settingProblems({ ...good, batchSize: 8 }, 5).batchSize).toMatch(
      /too few for the smallest batch \(8\): add images/,
    );
    expect([batchSizeFor(126), batchSizeFor(28_709), batchSizeFor(8), batchSizeFor(7)]).toEqual([
      16,
      1024,
      8,
      undefined,
    ]);
  });
});

describe('viewsLabel', () => {
  it('names how the predictions behind an accuracy were averaged', () => {
    expect(viewsLabel({ testTimeFlip: false })).toBe('one pass a face');
    expect(viewsLabel({ testTimeFlip: true })).toBe('averaged with the mirror image');
    expect(viewsLabel({ testTimeFlip: true, testTimeShifts: true })).toBe(
      'averaged over ten shifted and mirrored views',
    );
  });
});
