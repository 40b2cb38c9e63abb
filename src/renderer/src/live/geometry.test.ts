import { describe, expect, it } from 'vitest';
import { ferCrop, iou, isUncertain, panelBeside } from './geometry';

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

describe('panelBeside', () => {
  const frame = { width: 640, height: 480 };
  const panel = { width: 150, height: 120 };

  it('puts the probabilities right of the face, top-aligned, when they fit', () => {
    expect(panelBeside({ x: 100, y: 100, width: 200, height: 200 }, panel, frame)).toEqual({
      x: 304,
      y: 100,
      side: 'right',
    });
  });

  it('puts them left of a face near the right edge, and never below the frame', () => {
    const placed = panelBeside({ x: 400, y: 420, width: 200, height: 200 }, panel, frame);
    expect(placed).toEqual({ x: 246, y: 360, side: 'left' });
  });

  it('goes below or above a face that fills the width, and overlaps it only when nothing else fits', () => {
    expect(panelBeside({ x: 20, y: 0, width: 560, height: 300 }, panel, frame)).toEqual({
      x: 20,
      y: 304,
      side: 'below',
    });
    expect(panelBeside({ x: 20, y: 200, width: 560, height: 280 }, panel, frame)).toEqual({
      x: 20,
      y: 52,
      side: 'above',
    });
    expect(panelBeside({ x: 20, y: 0, width: 560, height: 400 }, panel, frame)).toEqual({ x: 490, y: 0, side: 'over' });
  });

  it('avoids covering another face when a place that does not exists', () => {
    // Two faces side by side: right of the left face is the right face; above both is free.
    const leftFace = { x: 40, y: 200, width: 260, height: 260 };
    const rightFace = { x: 320, y: 200, width: 260, height: 260 };
    const placed = panelBeside(leftFace, panel, frame, [rightFace]);
    expect(placed.side).toBe('above');
    expect(placed.y + panel.height).toBeLessThanOrEqual(leftFace.y);
  });
});

describe('isUncertain', () => {
  it('flags a low top probability or a close runner-up, not a clear label', () => {
    expect(isUncertain([0.94, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01])).toBe(false);
    expect(isUncertain([0.27, 0.2, 0.13, 0.1, 0.1, 0.1, 0.1])).toBe(true);
    expect(isUncertain([0.48, 0.45, 0.01, 0.01, 0.01, 0.02, 0.02])).toBe(true);
  });
});
