import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineFactors } from '@shared/baseline';
import { EMOTIONS } from '@shared/emotions';
import { BaselineCapture, baselinesFor, calibrateFrame, droppedBaselinesNotice } from './calibration';
import { MIN_BASELINE_FRAMES } from './config';
import type { MonitorFrame } from '../vision/frame-analysis';
import type { TrackedFace } from '../vision/tracker';

const restingSad = [0.1, 0.02, 0.08, 0.05, 0.45, 0.02, 0.28];
const reference = [0.1, 0.02, 0.1, 0.1, 0.18, 0.05, 0.45];

function face(id: number, latest: number[] | undefined, probabilities = latest): TrackedFace {
  return {
    id,
    box: { x: 0, y: 0, width: 10, height: 10 },
    score: 0.9,
    latest,
    probabilities,
    top: probabilities && { emotion: EMOTIONS[probabilities.indexOf(Math.max(...probabilities))], confidence: 0 },
  };
}
const frameOf = (...faces: TrackedFace[]): MonitorFrame => ({
  faces,
  width: 640,
  height: 480,
  detectMs: 1,
  classifyMs: 1,
});

describe('BaselineCapture', () => {
  it("averages the face's own raw frames over the capture time, other faces and unclassified frames left out", () => {
    const capture = new BaselineCapture(2, 1_000);
    const other = [0, 0, 0, 1, 0, 0, 0];
    const steps = [0, 200, 400, 600, 800, 900].map((t, i) =>
      capture.offer(frameOf(face(1, other), face(2, i === 3 ? undefined : restingSad)), t),
    );
    expect(steps.map((step) => step.state)).toEqual(Array(6).fill('capturing'));
    expect(steps[2]).toMatchObject({ progress: 0.4, frames: 3 });
    const done = capture.offer(frameOf(face(2, restingSad)), 1_000);
    expect(done).toEqual({ state: 'done', frames: 6, baseline: restingSad.map((p) => expect.closeTo(p, 12)) });
  });

  it('refuses a baseline from too few frames of the face, saying why', () => {
    const capture = new BaselineCapture(3, 1_000);
    for (let i = 0; i < MIN_BASELINE_FRAMES - 1; i++) capture.offer(frameOf(face(3, restingSad)), i * 100);
    expect(() => capture.offer(frameOf(face(1, restingSad)), 1_000)).toThrow(/#3 was seen in 4 frames.*too few/);
  });
});

describe('calibrateFrame', () => {
  it('shows calibrated faces corrected by their own baseline, and other faces as they are', () => {
    const sadReading = [0.12, 0.02, 0.08, 0.05, 0.4, 0.03, 0.3];
    const frame = frameOf(face(1, sadReading), face(2, sadReading));
    const shown = calibrateFrame(frame, {
      1: { faceId: 1, baseline: restingSad, reference, strength: 1, frames: 10, model: 'default' },
    });
    const expected = applyBaseline(sadReading, baselineFactors(restingSad, reference, 1));
    expect(shown.faces[0].probabilities).toEqual(expected);
    expect(shown.faces[0].top).toEqual({ emotion: 'neutral', confidence: expected[6] });
    expect(shown.faces[0].latest).toBe(sadReading); // the recording still gets the raw values
    expect(shown.faces[1]).toBe(frame.faces[1]);
    expect(calibrateFrame(frame, {})).toBe(frame);
  });
});

describe('baselines across a model switch', () => {
  const taken = (faceId: number, model: string) => ({
    faceId,
    baseline: restingSad,
    reference,
    strength: 1,
    frames: 10,
    model,
  });

  it("keeps the live model's baselines and drops those of another model, naming them", () => {
    const { kept, dropped } = baselinesFor({ 1: taken(1, 'default'), 2: taken(2, 'seed') }, 'seed');
    expect(Object.keys(kept)).toEqual(['2']);
    expect(dropped.map((b) => b.faceId)).toEqual([1]);
    expect(droppedBaselinesNotice(dropped, 'seed')).toBe(
      'The live model is now “seed”: the baseline of face #1, taken with “default”, no longer applies. ' +
        "Calibrate again to correct this model's readings.",
    );
    expect(baselinesFor({ 1: taken(1, 'default') }, 'default').dropped).toEqual([]);
  });
});
