/** A rectangle in video pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * FER2013 framing around a detector box. BlazeFace's box is tighter and sits lower than a FER2013
 * face crop; measured on the e2e fixture (FER2013 faces), a square about 1.2x the box, moved up by
 * a tenth of its height, frames faces the way the training data does.
 */
export const FER_CROP_SCALE = 1.2;
export const FER_CROP_SHIFT_UP = 0.1;

/**
 * The square region of the frame to turn into a model input: FER framing, then moved (not
 * shrunk) to stay inside the frame, and only shrunk when the frame is smaller than the square.
 */
export function ferCrop(face: Box, frameWidth: number, frameHeight: number): Box {
  const side = Math.min(Math.max(face.width, face.height) * FER_CROP_SCALE, frameWidth, frameHeight);
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

/** Intersection over union of two boxes, 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}
