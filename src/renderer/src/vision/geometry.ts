import {
  FER_CROP_SCALE,
  FER_CROP_SHIFT_UP,
  FER_KEYPOINTS,
  FIT_SIDE_RANGE,
  MAX_ALIGN_ANGLE,
  MAX_FIT_RESIDUAL,
  UNCERTAIN,
} from './config';

/** A rectangle in video pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The side of the FER crop around a detector box: how large a face is, wherever sizes are compared. */
export function ferSide(box: Box): number {
  return Math.max(box.width, box.height) * FER_CROP_SCALE;
}

/**
 * The square region of the frame to turn into a model input: FER framing, then moved (not
 * shrunk) to stay inside the frame, and only shrunk when the frame is smaller than the square.
 */
export function ferCrop(face: Box, frameWidth: number, frameHeight: number): Box {
  const side = Math.min(ferSide(face), frameWidth, frameHeight);
  const centreX = face.x + face.width / 2;
  const centreY = face.y + face.height / 2 - FER_CROP_SHIFT_UP * face.height;
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max);
  return {
    x: clamp(centreX - side / 2, frameWidth - side),
    y: clamp(centreY - side / 2, frameHeight - side),
    width: side,
    height: side,
  };
}

export interface Point {
  x: number;
  y: number;
}

/** A square region of the frame at any angle (radians, clockwise on screen, where y points down). */
export interface RotatedSquare {
  centreX: number;
  centreY: number;
  side: number;
  angle: number;
}

/**
 * The similarity (shift, scale, turn) that best maps `template` points (fractions of a unit square)
 * onto `points` (least squares), as the square it maps the unit square to, and the fit's RMS
 * residual as a share of that square's side.
 */
export function fitSquare(points: readonly Point[], template: readonly Point[]): RotatedSquare & { residual: number } {
  const n = points.length;
  const mean = (ps: readonly Point[]) => ({
    x: ps.reduce((sum, p) => sum + p.x, 0) / n,
    y: ps.reduce((sum, p) => sum + p.y, 0) / n,
  });
  const pm = mean(points);
  const tm = mean(template);
  // As complex numbers: points ≈ pm + c (template - tm), c = scale · e^(i angle).
  let re = 0;
  let im = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const tx = template[i].x - tm.x;
    const ty = template[i].y - tm.y;
    const px = points[i].x - pm.x;
    const py = points[i].y - pm.y;
    re += tx * px + ty * py;
    im += tx * py - ty * px;
    norm += tx * tx + ty * ty;
  }
  const [cr, ci] = [re / norm, im / norm];
  const side = Math.hypot(cr, ci);
  const map = (p: Point): Point => ({
    x: pm.x + cr * (p.x - tm.x) - ci * (p.y - tm.y),
    y: pm.y + ci * (p.x - tm.x) + cr * (p.y - tm.y),
  });
  const centre = map({ x: 0.5, y: 0.5 });
  const squared = points.reduce((sum, p, i) => {
    const q = map(template[i]);
    return sum + (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
  }, 0);
  return {
    centreX: centre.x,
    centreY: centre.y,
    side,
    angle: Math.atan2(ci, cr),
    residual: Math.sqrt(squared / n) / Math.max(side, 1e-9),
  };
}

/**
 * The square FER2013 would have cropped around a face: its six keypoints fitted to where they sit
 * in FER2013's own crops (FER_KEYPOINTS), so that the crop is framed like the training data and
 * turned to level the face. Without keypoints, or with keypoints that fit no face (a profile, a
 * misplaced point: see MAX_FIT_RESIDUAL), the upright crop around the box. Kept inside the frame
 * as `ferCrop` keeps its square.
 */
export function alignedFerCrop(
  face: { box: Box; keypoints?: readonly Point[] },
  frameWidth: number,
  frameHeight: number,
): RotatedSquare {
  const upright = ferCrop(face.box, frameWidth, frameHeight);
  if (face.keypoints?.length !== FER_KEYPOINTS.length) return uprightSquare(upright);
  const fit = fitSquare(face.keypoints, FER_KEYPOINTS);
  const boxSide = ferSide(face.box);
  const believed =
    fit.residual <= MAX_FIT_RESIDUAL &&
    fit.side >= boxSide * FIT_SIDE_RANGE[0] &&
    fit.side <= boxSide * FIT_SIDE_RANGE[1] &&
    Math.abs(fit.angle) <= MAX_ALIGN_ANGLE;
  if (!believed) return uprightSquare(upright);
  const side = Math.min(fit.side, frameWidth, frameHeight);
  const clamp = (value: number, max: number) => Math.min(Math.max(value, side / 2), max - side / 2);
  return { centreX: clamp(fit.centreX, frameWidth), centreY: clamp(fit.centreY, frameHeight), side, angle: fit.angle };
}

/** A square crop (as `ferCrop` makes) as a rotated square with no rotation. */
export function uprightSquare(square: Box): RotatedSquare {
  return { centreX: square.x + square.width / 2, centreY: square.y + square.height / 2, side: square.width, angle: 0 };
}

/** A rotated square's corners: its top-left, top-right, bottom-right and bottom-left as the face sees them. */
export function squareCorners({ centreX, centreY, side, angle }: RotatedSquare): [Point, Point, Point, Point] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const half = side / 2;
  const corner = (dx: number, dy: number): Point => ({
    x: centreX + dx * cos - dy * sin,
    y: centreY + dx * sin + dy * cos,
  });
  return [corner(-half, -half), corner(half, -half), corner(half, half), corner(-half, half)];
}

/** Intersection over union of two boxes, 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  const intersection = overlapArea(a, b);
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}

/** A face box (video pixels) where it appears on screen (CSS pixels of the overlay), mirrored or not. */
export function boxOnScreen(
  box: Box,
  video: { width: number; height: number },
  screen: { width: number; height: number },
  mirrored: boolean,
): Box {
  const sx = screen.width / video.width;
  const sy = screen.height / video.height;
  const x = mirrored ? video.width - box.x - box.width : box.x;
  return { x: x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
}

/** Area two boxes share. */
export function overlapArea(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

export type PanelSide = 'right' | 'left' | 'below' | 'above' | 'over';

/**
 * Where a face's probability panel goes: beside its box (right, left, below, then above its
 * label), inside the frame, never over the face's mouth and chin; among the places that fit, the
 * first that covers no other face, else the one that covers least. Only when none fits does it
 * overlap its own box, at the side with more room.
 */
export function panelBeside(
  box: Box,
  panel: { width: number; height: number },
  frame: { width: number; height: number },
  others: Box[] = [],
  { gap = 4, labelHeight = 24 } = {},
): { x: number; y: number; side: PanelSide } {
  const clamp = (value: number, max: number) => Math.max(0, Math.min(value, max));
  const alongY = clamp(box.y, frame.height - panel.height);
  const alongX = clamp(box.x, frame.width - panel.width);
  const candidates: { x: number; y: number; side: PanelSide }[] = [
    { x: box.x + box.width + gap, y: alongY, side: 'right' },
    { x: box.x - gap - panel.width, y: alongY, side: 'left' },
    { x: alongX, y: box.y + box.height + gap, side: 'below' },
    { x: alongX, y: box.y - labelHeight - gap - panel.height, side: 'above' },
  ];
  const fitting = candidates.filter(
    (c) => c.x >= 0 && c.y >= 0 && c.x + panel.width <= frame.width && c.y + panel.height <= frame.height,
  );
  const covered = (c: { x: number; y: number }) =>
    others.reduce((sum, other) => sum + overlapArea({ ...c, ...panel }, other), 0);
  const best = fitting.reduce<{ x: number; y: number; side: PanelSide; covered: number } | undefined>((chosen, c) => {
    const area = covered(c);
    return chosen === undefined || area < chosen.covered ? { ...c, covered: area } : chosen;
  }, undefined);
  if (best) return { x: best.x, y: best.y, side: best.side };
  const roomRight = frame.width - (box.x + box.width);
  return { x: roomRight >= box.x ? Math.max(0, frame.width - panel.width) : 0, y: alongY, side: 'over' };
}

/** A label worth showing as a guess: its top probability is low, or the runner-up is close behind. */
export function isUncertain(
  probabilities: ArrayLike<number>,
  minConfidence: number = UNCERTAIN.minConfidence,
  minMargin: number = UNCERTAIN.minMargin,
): boolean {
  let first = 0;
  let second = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p > first) [first, second] = [p, first];
    else if (p > second) second = p;
  }
  return first < minConfidence || first - second < minMargin;
}

/** Faces as the viewer sees them from left to right (a mirrored view shows the frame's right side on the left). */
export function facesInScreenOrder<T extends { box: Box }>(
  faces: readonly T[],
  frameWidth: number,
  mirrored: boolean,
): T[] {
  const screenLeft = (face: T) => (mirrored ? frameWidth - face.box.x - face.box.width : face.box.x);
  return [...faces].sort((a, b) => screenLeft(a) - screenLeft(b));
}
