import { describe, expect, it } from 'vitest';
import { FACE_PIXELS } from '../data/image';
import { CONDITIONS, seenAt } from './degrade';

/** Two faces: a horizontal ramp and vertical stripes 1 px wide. */
const faces = Uint8Array.from({ length: 2 * FACE_PIXELS }, (_, i) => (i < FACE_PIXELS ? (i % 48) * 5 : (i % 2) * 255));
const condition = (name: string) => CONDITIONS.find((c) => c.name.startsWith(name))!;

describe('degradation conditions', () => {
  it('leave a face as stored unchanged', () => {
    const out = condition('as stored').apply(faces, 1);
    expect(out[47]).toBeCloseTo((47 * 5) / 255);
    expect(out[FACE_PIXELS + 1]).toBe(1);
  });

  it('average away detail a smaller face cannot hold', () => {
    const out = seenAt(faces, 24);
    // 1 px stripes seen at half the width are a flat mid grey.
    for (const i of [FACE_PIXELS + 100, FACE_PIXELS + 101, FACE_PIXELS + 1000]) expect(out[i]).toBeCloseTo(0.5);
    expect(() => seenAt(faces, 20)).toThrow(/divides/);
  });

  it('shift the face by the stated pixels, the same for a seed', () => {
    const shift = condition('shifted 2 px');
    const a = shift.apply(faces, 7);
    expect(a).toEqual(shift.apply(faces, 7));
    // On the ramp a 2 px shift changes the value by two steps of 5, one way or the other.
    expect(Math.abs(a[20] - (20 * 5) / 255)).toBeCloseTo(10 / 255);
  });

  it('each change something, and every group is measured', () => {
    const stored = condition('as stored').apply(faces, 1);
    for (const c of CONDITIONS.filter((c) => c.group !== 'none')) {
      const out = c.apply(faces, 3);
      expect(
        out.some((v, i) => Math.abs(v - stored[i]) > 1e-3),
        c.name,
      ).toBe(true);
    }
    expect(new Set(CONDITIONS.map((c) => c.group))).toEqual(
      new Set(['none', 'framing', 'resolution', 'blur', 'jpeg', 'noise', 'lighting']),
    );
  });
});
