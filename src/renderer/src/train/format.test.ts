import { describe, expect, it } from 'vitest';
import { bestEpoch, defaultTrainingConfig } from '@shared/training';
import { formatSeconds, keptEpochNote, rightAtEighty, rowNormalised, runFraction } from './format';

const record = (epoch: number, valAccuracy: number) => ({
  epoch,
  loss: 1,
  accuracy: 0.5,
  valLoss: 1,
  valAccuracy,
  seconds: 10,
  learningRate: 1e-3,
});

describe('training view formatting', () => {
  it('writes durations as seconds, minutes or hours', () => {
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(600)).toBe('10 min');
    expect(formatSeconds(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(formatSeconds(Number.NaN)).toBe('–');
  });

  it('reads the calibration error as a range around 80%, or one figure when it rounds away', () => {
    expect(rightAtEighty(0.029)).toBe('about 77%–83%');
    expect(rightAtEighty(0.002)).toBe('about 80%');
    expect(rightAtEighty(0.3)).toBe('about 50%–100%');
  });

  it('counts finished epochs and the part of the current one', () => {
    const config = { ...defaultTrainingConfig('default'), epochs: 4 };
    expect(runFraction({ config, history: [record(1, 0.3)] })).toBe(0.25);
    const progress = { epoch: 2, batch: 5, batches: 10, loss: 1, accuracy: 0.5, imagesPerSecond: 90, etaSeconds: 9 };
    expect(runFraction({ config, history: [record(1, 0.3)], progress })).toBeCloseTo(0.375);
  });

  it('finds the best epoch by validation accuracy', () => {
    expect(bestEpoch([record(1, 0.3), record(2, 0.5), record(3, 0.4)])?.epoch).toBe(2);
    expect(bestEpoch([])).toBeUndefined();
  });

  it('says which epoch the model holds, and that a kept best epoch was picked on the reported images', () => {
    const history = [record(1, 0.3), record(2, 0.5), record(3, 0.4)];
    const last = { savedEpoch: history[2], bestEpoch: history[1], keptBest: false, split: 'test' as const };
    expect(keptEpochNote(last)).toBe(
      'The model holds the weights of the last epoch (3), not of an epoch picked by its validation score; ' +
        'epoch 2 had scored 50.0% and the last 40.0% in a single pass.',
    );
    expect(keptEpochNote({ ...last, savedEpoch: history[1] })).not.toContain('had scored');
    expect(keptEpochNote({ ...last, savedEpoch: history[1], keptBest: true })).toBe(
      'The model holds the weights of epoch 2, kept because it scored best (50.0% in a single pass) on the test ' +
        'split: the same images as the numbers above, which flatters them a little.',
    );
    expect(keptEpochNote({ ...last, savedEpoch: undefined })).toBeUndefined();
  });

  it('normalises confusion rows, leaving empty rows at zero', () => {
    expect(
      rowNormalised([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [0, 0],
    ]);
  });
});
