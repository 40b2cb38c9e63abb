import { describe, expect, it } from 'vitest';
import { bucketFor, stack } from './format';

describe('history formatting', () => {
  it('picks a round bucket that keeps a long session to about the screen width', () => {
    expect(bucketFor(60_000)).toBe(1000);
    expect(bucketFor(3_600_000)).toBe(5000); // one hour: 720 points
    expect(3_600_000 / bucketFor(3_600_000)).toBeLessThanOrEqual(1200);
    expect(bucketFor(24 * 3_600_000)).toBe(120_000);
  });

  it('stacks series cumulatively', () => {
    expect(
      stack([
        [0.2, 0.5],
        [0.3, 0.1],
        [0.5, 0.4],
      ]),
    ).toEqual([
      [0.2, 0.5],
      [0.5, 0.6],
      [1, 1],
    ]);
  });
});
