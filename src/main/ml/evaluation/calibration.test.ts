import { describe, expect, it } from 'vitest';
import { NUM_CLASSES, topEmotionIndex } from '@shared/emotions';
import { Random } from '../training/random';
import {
  applyTemperature,
  calibrationFrom,
  expectedCalibrationError,
  fitTemperature,
  negativeLogLikelihood,
} from './calibration';

function softmaxRows(logits: number[][]): Float32Array {
  const out = new Float32Array(logits.length * NUM_CLASSES);
  logits.forEach((row, i) => {
    const top = Math.max(...row);
    const exps = row.map((z) => Math.exp(z - top));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, c) => (out[i * NUM_CLASSES + c] = e / sum));
  });
  return out;
}

/**
 * A model whose logits are `sharpness` times too large. With z = unit Gaussian noise + m at the
 * true class, the true posterior is softmax(m z); the model says softmax(sharpness m z), so
 * temperature `sharpness` calibrates it exactly.
 */
function overconfidentModel(count: number, sharpness: number) {
  const random = new Random(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const labels = Uint8Array.from({ length: count }, () => random.int(NUM_CLASSES));
  const m = 1.8;
  const logits = [...labels].map((label) =>
    Array.from({ length: NUM_CLASSES }, (_, c) => sharpness * m * (normal() + (c === label ? m : 0))),
  );
  return { labels, probabilities: softmaxRows(logits) };
}

describe('temperature scaling', () => {
  it('fits the temperature of an overconfident model, lowering its NLL and calibration error', () => {
    const { labels, probabilities } = overconfidentModel(4000, 3);
    const temperature = fitTemperature(probabilities, labels);
    // The same model seen on too few faces to tell: no temperature at all.
    expect(fitTemperature(probabilities.subarray(0, 14 * NUM_CLASSES), labels.subarray(0, 14))).toBe(1);
    expect(temperature).toBeGreaterThan(2.6);
    expect(temperature).toBeLessThan(3.4);
    const calibrated = applyTemperature(probabilities, temperature);
    expect(negativeLogLikelihood(calibrated, labels)).toBeLessThan(negativeLogLikelihood(probabilities, labels) - 0.2);
    const before = expectedCalibrationError(probabilities, labels);
    const after = expectedCalibrationError(calibrated, labels);
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.03);
  });

  it('keeps rows summing to one and every top class where it was', () => {
    const { probabilities } = overconfidentModel(200, 2);
    for (const temperature of [0.5, 1, 2.5]) {
      const scaled = applyTemperature(probabilities, temperature);
      for (let i = 0; i < 200; i++) {
        const row = scaled.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(topEmotionIndex(row)).toBe(topEmotionIndex(probabilities, i * NUM_CLASSES));
      }
    }
    expect([...applyTemperature(probabilities, 1)]).toEqual([...probabilities]);
  });

  it('survives probabilities of exactly 0 and 1', () => {
    const probabilities = new Float32Array([1, 0, 0, 0, 0, 0, 0]);
    const scaled = applyTemperature(probabilities, 4);
    expect(scaled.every(Number.isFinite)).toBe(true);
    expect(scaled[0]).toBeGreaterThan(0.99);
  });

  it('fits each way of predicting its own temperature, and a ten-view one only when those views were predicted', () => {
    const single = overconfidentModel(2000, 3);
    const mirrored = overconfidentModel(2000, 2);
    const shifted = overconfidentModel(2000, 1.5);
    const raw = { single: single.probabilities, mirrored: mirrored.probabilities };
    // The three synthetic models share their labels (same seed), as three views of one split would.
    const calibration = calibrationFrom({ ...raw, shifted: shifted.probabilities }, single.labels, 'test');
    expect(calibration.single).toBeCloseTo(3, 0);
    expect(calibration.mirrored).toBeCloseTo(2, 0);
    expect(calibration.shifted).toBeCloseTo(1.5, 0);
    expect(calibration).toMatchObject({ fittedOn: 'test', images: 2000 });
    expect(calibrationFrom(raw, single.labels, 'test')).not.toHaveProperty('shifted');
  });
});

describe('expected calibration error', () => {
  it('matches a hand-computed case', () => {
    // Two faces at 0.9 confidence (one right: bin accuracy 0.5, |0.5 - 0.9| = 0.4) and two at 0.5
    // (both right: |1 - 0.5| = 0.5). ECE = (2 x 0.4 + 2 x 0.5) / 4 = 0.45.
    const row = (top: number, p: number) => {
      const rest = (1 - p) / (NUM_CLASSES - 1);
      return Array.from({ length: NUM_CLASSES }, (_, c) => (c === top ? p : rest));
    };
    const probabilities = Float32Array.from([...row(3, 0.9), ...row(3, 0.9), ...row(0, 0.5), ...row(5, 0.5)]);
    const labels = [3, 4, 0, 5];
    expect(expectedCalibrationError(probabilities, labels)).toBeCloseTo(0.45, 5);
  });

  it('is zero for a model whose confidence is its accuracy', () => {
    // Four faces at 0.75, three right.
    const p = [0.75, ...new Array<number>(NUM_CLASSES - 1).fill(0.25 / (NUM_CLASSES - 1))];
    const probabilities = Float32Array.from([...p, ...p, ...p, ...p]);
    expect(expectedCalibrationError(probabilities, [0, 0, 0, 1])).toBeCloseTo(0, 6);
  });
});
