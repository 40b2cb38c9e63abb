import { describe, expect, it } from 'vitest';
import { ferCrop, iou } from './geometry';

describe('ferCrop', () => {
  it('frames a detector box as FER2013 does: 1.2x larger, square, moved up a tenth of its height', () => {
    const crop = ferCrop({ x: 100, y: 80, width: 100, height: 100 }, 640, 480);
    expect(crop.width).toBeCloseTo(120);
    expect(crop.height).toBeCloseTo(120);
    // Centre (150, 130) moved up by 10 -> (150, 120).
    expect(crop.x + crop.width / 2).toBeCloseTo(150);
    expect(crop.y + crop.height / 2).toBeCloseTo(120);
  });

  it('makes a square from a non-square box, on its longer side', () => {
    const crop = ferCrop({ x: 100, y: 100, width: 80, height: 100 }, 640, 480);
    expect(crop.width).toBeCloseTo(120);
    expect(crop.height).toBeCloseTo(120);
  });

  it('moves the square inside the frame at the edges instead of cutting it', () => {
    const topLeft = ferCrop({ x: -10, y: 0, width: 100, height: 100 }, 320, 240);
    expect(topLeft.x).toBe(0);
    expect(topLeft.y).toBe(0);
    const bottomRight = ferCrop({ x: 280, y: 200, width: 60, height: 60 }, 320, 240);
    expect(bottomRight.x + bottomRight.width).toBeCloseTo(320);
    expect(bottomRight.y + bottomRight.height).toBeCloseTo(240);
  });

  it('shrinks only when the frame is smaller than the square', () => {
    const crop = ferCrop({ x: 0, y: 0, width: 300, height: 300 }, 320, 240);
    // Centred on the face (x 150) as far as the frame allows.
    expect(crop).toEqual({ x: 30, y: 0, width: 240, height: 240 });
  });
});

describe('iou', () => {
  it('is 1 for the same box, 0 for disjoint ones, and the overlap share otherwise', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(box, box)).toBe(1);
    expect(iou(box, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou(box, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150);
  });
});
