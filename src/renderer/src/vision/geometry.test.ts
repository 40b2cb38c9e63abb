import { describe, expect, it } from 'vitest';
import { FER_KEYPOINTS } from './config';
import {
  alignedFerCrop,
  facesInScreenOrder,
  ferCrop,
  fitSquare,
  iou,
  isUncertain,
  panelBeside,
  squareCorners,
  type Point,
  type RotatedSquare,
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

/** FER_KEYPOINTS placed in a square of the frame: the keypoints of a face FER2013 would crop so. */
function keypointsIn(square: RotatedSquare): Point[] {
  const cos = Math.cos(square.angle);
  const sin = Math.sin(square.angle);
  return FER_KEYPOINTS.map((t) => {
    const dx = (t.x - 0.5) * square.side;
    const dy = (t.y - 0.5) * square.side;
    return { x: square.centreX + dx * cos - dy * sin, y: square.centreY + dx * sin + dy * cos };
  });
}

describe('framing by the keypoints', () => {
  const degrees = (radians: number) => (radians * 180) / Math.PI;
  const box = { x: 100, y: 80, width: 100, height: 100 };

  it('recovers the square a face was cropped in from its keypoints, turned or not', () => {
    for (const angle of [0, Math.PI / 6, -0.4]) {
      const square = { centreX: 150, centreY: 125, side: 118, angle };
      const fit = fitSquare(keypointsIn(square), FER_KEYPOINTS);
      expect(fit.centreX).toBeCloseTo(150);
      expect(fit.centreY).toBeCloseTo(125);
      expect(fit.side).toBeCloseTo(118);
      expect(fit.angle).toBeCloseTo(angle);
      expect(fit.residual).toBeCloseTo(0);
    }
  });

  it('frames a face by its keypoints, turned 30 degrees, with corners that follow the turn', () => {
    const tilt = Math.PI / 6;
    const truth = { centreX: 155, centreY: 121, side: 120, angle: tilt };
    const square = alignedFerCrop({ box, keypoints: keypointsIn(truth) }, 640, 480);
    expect(degrees(square.angle)).toBeCloseTo(30);
    expect(square.side).toBeCloseTo(120);
    expect(square.centreX).toBeCloseTo(155);
    expect(square.centreY).toBeCloseTo(121);
    const [topLeft, topRight, bottomRight, bottomLeft] = squareCorners(square);
    // (-60, -60) turned by 30°: (-60 cos + 60 sin, -60 sin - 60 cos) = (-21.96, -81.96).
    expect(topLeft.x).toBeCloseTo(133.04, 2);
    expect(topLeft.y).toBeCloseTo(39.04, 2);
    expect(topRight.x - topLeft.x).toBeCloseTo(120 * Math.cos(tilt));
    expect(topRight.y - topLeft.y).toBeCloseTo(120 * Math.sin(tilt));
    expect(bottomRight.x).toBeCloseTo(2 * square.centreX - topLeft.x);
    expect(bottomLeft.y).toBeCloseTo(topLeft.y + 120 * Math.cos(tilt));
  });

  it('falls back to the upright box crop where the keypoints fit no face', () => {
    const upright = ferCrop(box, 640, 480);
    const boxCrop = {
      centreX: upright.x + upright.width / 2,
      centreY: upright.y + upright.height / 2,
      side: upright.width,
      angle: 0,
    };
    const good = keypointsIn({ centreX: 150, centreY: 125, side: 120, angle: 0.1 });
    expect(alignedFerCrop({ box }, 640, 480)).toEqual(boxCrop); // no keypoints
    // A misplaced point (the mouth far off): the points no longer fit a face.
    const misplaced = good.map((p, i) => (i === 3 ? { x: p.x + 90, y: p.y - 80 } : p));
    expect(fitSquare(misplaced, FER_KEYPOINTS).residual).toBeGreaterThan(0.2);
    expect(alignedFerCrop({ box, keypoints: misplaced }, 640, 480)).toEqual(boxCrop);
    // A fit twice the box's size, or turned 60°: not believed.
    const huge = keypointsIn({ centreX: 150, centreY: 125, side: 260, angle: 0 });
    expect(alignedFerCrop({ box, keypoints: huge }, 640, 480)).toEqual(boxCrop);
    const steep = keypointsIn({ centreX: 150, centreY: 125, side: 120, angle: Math.PI / 3 });
    expect(alignedFerCrop({ box, keypoints: steep }, 640, 480)).toEqual(boxCrop);
    expect(alignedFerCrop({ box, keypoints: good }, 640, 480).angle).toBeCloseTo(0.1);
  });

  it("keeps a turned square's centre inside the frame at the edges", () => {
    const edge = { x: 0, y: 0, width: 100, height: 100 };
    const keypoints = keypointsIn({ centreX: 40, centreY: 40, side: 120, angle: 0.5 });
    const square = alignedFerCrop({ box: edge, keypoints }, 320, 240);
    expect(square.angle).toBeCloseTo(0.5);
    expect(square.centreX).toBeGreaterThanOrEqual(square.side / 2);
    expect(square.centreY).toBeGreaterThanOrEqual(square.side / 2);
  });
});

describe('faces in screen order', () => {
  const at = (id: number, x: number) => ({ id, box: { x, y: 0, width: 100, height: 100 } });
  it('lists faces left to right as the viewer sees them, mirrored or not', () => {
    const faces = [at(3, 50), at(1, 400)];
    expect(facesInScreenOrder(faces, 640, false).map((f) => f.id)).toEqual([3, 1]);
    expect(facesInScreenOrder(faces, 640, true).map((f) => f.id)).toEqual([1, 3]);
  });
});
