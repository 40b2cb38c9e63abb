import { describe, expect, it } from 'vitest';
import { neutralReference } from './neutral-reference';

describe('neutralReference', () => {
  it("is the mean of the model's outputs on the faces labelled neutral, the others left out", () => {
    const probabilities = Float32Array.from([
      ...[0.1, 0, 0.1, 0, 0.2, 0, 0.6], // neutral
      ...[0, 0, 0, 1, 0, 0, 0], // happy: not counted
      ...[0.3, 0, 0.1, 0, 0.2, 0, 0.4], // neutral
    ]);
    const reference = neutralReference(probabilities, [6, 3, 6])!;
    expect(reference.faces).toBe(2);
    expect(reference.distribution).toEqual([0.2, 0, 0.1, 0, 0.2, 0, 0.5].map((p) => expect.closeTo(p, 6)));
  });

  it('is undefined without a neutral face', () => {
    expect(neutralReference(new Float32Array(7).fill(1 / 7), [3])).toBeUndefined();
  });
});
