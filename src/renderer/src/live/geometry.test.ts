import { describe, expect, it } from 'vitest';
import {
  alignedFerCrop,
  eyeLineAngle,
  ferCrop,
  iou,
  isUncertain,
  panelBeside,
  reliableEyeAngle,
  squareCorners,
} from './geometry';

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

describe('alignment by the eyes', () => {
  const degrees = (radians: number) => (radians * 180) / Math.PI;
  const box = { x: 100, y: 80, width: 100, height: 100 };

  it('measures the tilt of the eye line, clockwise on screen', () => {
    expect(eyeLineAngle({ x: 100, y: 100 }, { x: 140, y: 100 })).toBe(0);
    expect(degrees(eyeLineAngle({ x: 100, y: 100 }, { x: 130, y: 130 }))).toBeCloseTo(45);
    expect(degrees(eyeLineAngle({ x: 100, y: 100 }, { x: 130, y: 70 }))).toBeCloseTo(-45);
  });

  it('keeps the upright FER crop when the eyes are level', () => {
    const square = alignedFerCrop({ box, rightEye: { x: 130, y: 110 }, leftEye: { x: 170, y: 110 } }, 640, 480);
    const upright = ferCrop(box, 640, 480);
    expect(square).toEqual({ centreX: 150, centreY: 120, side: upright.width, angle: 0 });
  });

  it("turns the crop with a face tilted by 30 degrees: same size, shifted along the face's up", () => {
    const tilt = Math.PI / 6;
    const rightEye = { x: 130, y: 110 };
    const leftEye = { x: 130 + 40 * Math.cos(tilt), y: 110 + 40 * Math.sin(tilt) };
    const square = alignedFerCrop({ box, rightEye, leftEye }, 640, 480);
    expect(degrees(square.angle)).toBeCloseTo(30);
    expect(square.side).toBeCloseTo(120);
    // Box centre (150, 130) moved 10 px along (sin 30°, -cos 30°).
    expect(square.centreX).toBeCloseTo(155);
    expect(square.centreY).toBeCloseTo(121.34, 2);
    const [topLeft, topRight, bottomRight, bottomLeft] = squareCorners(square);
    // (-60, -60) turned by 30°: (-60 cos + 60 sin, -60 sin - 60 cos) = (-21.96, -81.96).
    expect(topLeft.x).toBeCloseTo(133.04, 2);
    expect(topLeft.y).toBeCloseTo(39.38, 2);
    expect(topRight.x - topLeft.x).toBeCloseTo(120 * Math.cos(tilt));
    expect(topRight.y - topLeft.y).toBeCloseTo(120 * Math.sin(tilt));
    expect(bottomRight.x).toBeCloseTo(2 * square.centreX - topLeft.x);
    expect(bottomLeft.y).toBeCloseTo(topLeft.y + 120 * Math.cos(tilt));
  });

  it('falls back to the upright crop where the keypoints cannot be trusted', () => {
    const level = { rightEye: { x: 130, y: 110 }, leftEye: { x: 170, y: 130 } };
    expect(reliableEyeAngle(box, level.rightEye, level.leftEye)).toBeDefined();
    expect(reliableEyeAngle(box)).toBeUndefined(); // no keypoints
    expect(reliableEyeAngle({ ...box, width: 30, height: 30 }, level.rightEye, level.leftEye)).toBeUndefined(); // small
    expect(reliableEyeAngle(box, { x: 140, y: 110 }, { x: 150, y: 112 })).toBeUndefined(); // profile: eyes together
    expect(reliableEyeAngle(box, { x: 100, y: 100 }, { x: 120, y: 135 })).toBeUndefined(); // 60°: not believed
    const upright = ferCrop(box, 640, 480);
    expect(alignedFerCrop({ box, rightEye: { x: 140, y: 110 }, leftEye: { x: 150, y: 112 } }, 640, 480)).toEqual({
      centreX: upright.x + upright.width / 2,
      centreY: upright.y + upright.height / 2,
      side: upright.width,
      angle: 0,
    });
  });

  it("keeps a turned square's centre inside the frame at the edges", () => {
    const edge = { x: 0, y: 0, width: 100, height: 100 };
    const square = alignedFerCrop({ box: edge, rightEye: { x: 30, y: 30 }, leftEye: { x: 65, y: 50 } }, 320, 240);
    expect(square.angle).not.toBe(0);
    expect(square.centreX).toBeGreaterThanOrEqual(square.side / 2);
    expect(square.centreY).toBeGreaterThanOrEqual(square.side / 2);
  });
});
