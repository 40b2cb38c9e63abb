import { describe, expect, it } from 'vitest';
import { EMOTIONS } from '@shared/emotions';
import { FaceTracker } from './tracker';

const box = (x: number, y = 50) => ({ x, y, width: 100, height: 100 });
/** One-hot-ish probabilities with `weight` on `emotion`. */
const probs = (emotion: (typeof EMOTIONS)[number], weight = 0.9) =>
  EMOTIONS.map((e) => (e === emotion ? weight : (1 - weight) / 6));

describe('FaceTracker', () => {
  it('keeps a face identity while its box moves a little, and gives a new face a new one', () => {
    const tracker = new FaceTracker({ window: 3 });
    const [first] = tracker.update([{ box: box(100), score: 0.9, probabilities: probs('happy') }]);
    const [moved] = tracker.update([{ box: box(110), score: 0.9, probabilities: probs('happy') }]);
    expect(moved.id).toBe(first.id);
    const [, other] = tracker.update([
      { box: box(112), score: 0.9 },
      { box: box(400), score: 0.9 },
    ]);
    expect(other.id).not.toBe(first.id);
  });

  it('keeps two faces apart when they swap order in the detector output', () => {
    const tracker = new FaceTracker({ window: 3 });
    const [left, right] = tracker.update([
      { box: box(0), score: 0.9 },
      { box: box(300), score: 0.9 },
    ]);
    const [rightNow, leftNow] = tracker.update([
      { box: box(305), score: 0.9 },
      { box: box(5), score: 0.9 },
    ]);
    expect(rightNow.id).toBe(right.id);
    expect(leftNow.id).toBe(left.id);
  });

  it('smooths the label over its window: one odd frame does not flip it', () => {
    const tracker = new FaceTracker({ window: 5 });
    for (let i = 0; i < 4; i++) tracker.update([{ box: box(100), score: 0.9, probabilities: probs('happy') }]);
    const [face] = tracker.update([{ box: box(100), score: 0.9, probabilities: probs('sad') }]);
    expect(face.top?.emotion).toBe('happy');
    expect(face.probabilities?.[EMOTIONS.indexOf('sad')]).toBeCloseTo((0.9 + 4 * (0.1 / 6)) / 5);
    // With no smoothing the same frame does flip it.
    const raw = new FaceTracker({ window: 1 });
    raw.update([{ box: box(100), score: 0.9, probabilities: probs('happy') }]);
    expect(raw.update([{ box: box(100), score: 0.9, probabilities: probs('sad') }])[0].top?.emotion).toBe('sad');
  });

  it('follows a lasting change once the window has moved on', () => {
    const tracker = new FaceTracker({ window: 3 });
    for (let i = 0; i < 3; i++) tracker.update([{ box: box(100), score: 0.9, probabilities: probs('happy') }]);
    let face;
    for (let i = 0; i < 3; i++) [face] = tracker.update([{ box: box(100), score: 0.9, probabilities: probs('sad') }]);
    expect(face?.top?.emotion).toBe('sad');
  });

  it('keeps the last label when a frame could not be classified, and forgets faces gone for long', () => {
    const tracker = new FaceTracker({ window: 3, maxMissed: 2 });
    const [first] = tracker.update([{ box: box(100), score: 0.9, probabilities: probs('fear') }]);
    const [unclassified] = tracker.update([{ box: box(100), score: 0.9 }]);
    expect(unclassified.top?.emotion).toBe('fear');
    for (let i = 0; i < 3; i++) tracker.update([]);
    const [back] = tracker.update([{ box: box(100), score: 0.9 }]);
    expect(back.id).not.toBe(first.id);
    expect(back.top).toBeUndefined();
  });

  it('steadies the box: a small move is followed part of the way', () => {
    const tracker = new FaceTracker({ window: 1, boxFollow: 0.5 });
    tracker.update([{ box: box(100), score: 0.9 }]);
    const [face] = tracker.update([{ box: box(120), score: 0.9 }]);
    expect(face.box.x).toBe(110);
  });

  it('shows a jump as a jump: the box lands where the face was found, not part of the way', () => {
    const tracker = new FaceTracker({ window: 1, boxFollow: 0.5 });
    const [first] = tracker.update([{ box: box(100), score: 0.9 }]);
    const [jumped] = tracker.update([{ box: box(145), score: 0.9 }]); // IoU 0.38: the same face, far moved
    expect(jumped.id).toBe(first.id);
    expect(jumped.box.x).toBe(145);
  });

  it('gives a face found near a spot left empty for a frame a new number, so no name moves onto it', () => {
    const tracker = new FaceTracker({ window: 1 });
    const [first] = tracker.update([{ box: box(100), score: 0.9 }]);
    tracker.update([]);
    const [newcomer] = tracker.update([{ box: box(140), score: 0.9 }]); // IoU 0.43 after a gap
    expect(newcomer.id).not.toBe(first.id);
    // The same face missed for a frame and found where it was keeps its number.
    const steady = new FaceTracker({ window: 1 });
    const [before] = steady.update([{ box: box(100), score: 0.9 }]);
    steady.update([]);
    expect(steady.update([{ box: box(104), score: 0.9 }])[0].id).toBe(before.id);
  });
});
