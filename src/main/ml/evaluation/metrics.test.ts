import { describe, expect, it } from 'vitest';
import { classificationMetrics, formatEvaluation } from './metrics';

describe('classificationMetrics', () => {
  // 10 faces. True: 3x angry(0), 2x disgust(1), 4x happy(3), 1x sad(4).
  const labels = [0, 0, 0, 1, 1, 3, 3, 3, 3, 4];
  const predictions = [0, 0, 3, 1, 0, 3, 3, 3, 4, 4];

  it('computes accuracy and the confusion matrix', () => {
    const report = classificationMetrics(labels, predictions);
    expect(report.accuracy).toBeCloseTo(7 / 10);
    expect(report.images).toBe(10);
    expect(report.confusion[0]).toEqual([2, 0, 0, 1, 0, 0, 0]);
    expect(report.confusion[1]).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(report.confusion[3]).toEqual([0, 0, 0, 3, 1, 0, 0]);
    expect(report.confusion[4]).toEqual([0, 0, 0, 0, 1, 0, 0]);
  });

  it('computes per-class precision, recall, F1 and support by hand-checked values', () => {
    const { perClass } = classificationMetrics(labels, predictions);
    const angry = perClass[0];
    // angry: TP 2, predicted 3 (two angry + one disgust), support 3.
    expect(angry.precision).toBeCloseTo(2 / 3);
    expect(angry.recall).toBeCloseTo(2 / 3);
    expect(angry.f1).toBeCloseTo(2 / 3);
    expect(angry.support).toBe(3);
    // disgust: TP 1, predicted 1, support 2 -> P 1, R .5, F1 2/3.
    expect(perClass[1]).toMatchObject({ label: 'disgust', precision: 1, recall: 0.5, support: 2 });
    expect(perClass[1].f1).toBeCloseTo(2 / 3);
    // happy: TP 3, predicted 4 (3 happy + 1 angry), support 4.
    expect(perClass[3].precision).toBeCloseTo(3 / 4);
    expect(perClass[3].recall).toBeCloseTo(3 / 4);
    // sad: TP 1, predicted 2, support 1 -> P .5, R 1, F1 2/3.
    expect(perClass[4].precision).toBeCloseTo(0.5);
    expect(perClass[4].recall).toBe(1);
    // fear never occurs and is never predicted: 0, as scikit-learn reports with zero_division=0.
    expect(perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('computes macro and support-weighted averages', () => {
    const report = classificationMetrics(labels, predictions);
    const f1 = [2 / 3, 2 / 3, 0, 3 / 4, 2 / 3, 0, 0];
    expect(report.macroF1).toBeCloseTo(f1.reduce((a, b) => a + b) / 7);
    expect(report.macroAverage.recall).toBeCloseTo((2 / 3 + 0.5 + 0 + 3 / 4 + 1) / 7);
    expect(report.weightedAverage.f1).toBeCloseTo((3 * (2 / 3) + 2 * (2 / 3) + 4 * (3 / 4) + 1 * (2 / 3)) / 10);
    expect(report.weightedAverage.recall).toBeCloseTo(report.accuracy);
  });

  it('formats the table the seed reports', () => {
    const text = formatEvaluation(classificationMetrics(labels, predictions));
    expect(text).toMatch(/angry\s+0\.67\s+0\.67\s+0\.67\s+3/);
    expect(text).toMatch(/accuracy\s+0\.7000\s+10/);
  });

  it('rejects mismatched inputs', () => {
    expect(() => classificationMetrics([0, 1], [0])).toThrow(/differ in length/);
  });
});
