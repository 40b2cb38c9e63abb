import { describe, expect, it } from 'vitest';
import { buildModel } from './architectures';
import { multiplyAddsPerFace } from './flops';

describe('multiply-adds per face', () => {
  it('counts the seed model layer by layer', () => {
    const model = buildModel('seed');
    // conv 46x46x(3x3x1)x32, conv 44x44x(3x3x32)x64, conv 20x20x(3x3x64)x128, conv 8x8x(3x3x128)x128,
    // dense 2048x1024, dense 1024x7.
    const expected =
      46 * 46 * 9 * 32 +
      44 * 44 * 9 * 32 * 64 +
      20 * 20 * 9 * 64 * 128 +
      8 * 8 * 9 * 128 * 128 +
      2048 * 1024 +
      1024 * 7;
    expect(multiplyAddsPerFace(model)).toBe(expected);
    model.dispose();
  });

  it('grows with the default model stage widths', () => {
    const narrow = buildModel('default', [24, 40, 80, 160]);
    const wide = buildModel('default', [24, 48, 96, 192]);
    expect(multiplyAddsPerFace(wide)).toBeGreaterThan(multiplyAddsPerFace(narrow));
    expect(multiplyAddsPerFace(wide) / 1e6).toBeCloseTo(54.4, 0);
    narrow.dispose();
    wide.dispose();
  });
});
