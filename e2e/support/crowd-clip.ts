/**
 * A room of faces as a fake webcam (`npm run bench:live -- --faces N`): N FER2013 faces in a grid on
 * a grey 1280x720 frame (or the size asked for), each 64 to 96 px wide as a face 1.5-2 m from a
 * camera is, written as a .y4m clip Chromium plays as its camera. The faces hold still; the clip
 * loops, so the detector and the ML process see N faces in every frame.
 */
import { FACE_PIXELS, FACE_SIZE } from '../../src/shared/emotions';
import { bilinearAt } from '../../src/renderer/src/vision/resample';

export interface CrowdClip {
  width: number;
  height: number;
  /** Where each face is drawn: its top-left corner and side, in frame pixels. */
  placements: { x: number; y: number; side: number }[];
  /** The .y4m file: a header, then `frames` frames of I420 (grey: U and V at 128). */
  y4m: Buffer;
}

/** Sides cycle through these, so the grid holds faces of every size in the range. */
export const CROWD_SIDES = [64, 72, 80, 88, 96];

/** The grid: as many columns as keep cells square-ish on the frame, each face centred in its cell. */
export function crowdPlacements(count: number, width: number, height: number): CrowdClip['placements'] {
  const columns = Math.ceil(Math.sqrt((count * width) / height));
  const rows = Math.ceil(count / columns);
  const cellWidth = width / columns;
  const cellHeight = height / rows;
  const largest = Math.max(...CROWD_SIDES);
  if (cellWidth < largest * 1.25 || cellHeight < largest * 1.25)
    throw new Error(`${count} faces of up to ${largest} px do not fit apart in ${width}x${height}`);
  return Array.from({ length: count }, (_, i) => {
    const side = CROWD_SIDES[i % CROWD_SIDES.length];
    const column = i % columns;
    const row = Math.floor(i / columns);
    return {
      x: Math.round(column * cellWidth + (cellWidth - side) / 2),
      y: Math.round(row * cellHeight + (cellHeight - side) / 2),
      side,
    };
  });
}

/**
 * The clip of `faces` (FACE_PIXELS grey bytes each, back to back), scaled up bilinearly to their
 * sides: a camera's soft edges rather than blocks of pixels.
 */
export function crowdClip(faces: Uint8Array, { width = 1280, height = 720, fps = 30, frames = 30 } = {}): CrowdClip {
  const count = faces.length / FACE_PIXELS;
  if (!Number.isInteger(count) || count < 1) throw new Error('faces must hold whole 48x48 faces');
  const placements = crowdPlacements(count, width, height);
  const luma = new Uint8Array(width * height).fill(128);
  placements.forEach(({ x, y, side }, k) => {
    const face = faces.subarray(k * FACE_PIXELS, (k + 1) * FACE_PIXELS);
    const scale = FACE_SIZE / side;
    for (let row = 0; row < side; row++)
      for (let column = 0; column < side; column++) {
        // The centre of each frame pixel, mapped back into the 48x48 face.
        const value = bilinearAt(face, FACE_SIZE, FACE_SIZE, (column + 0.5) * scale, (row + 0.5) * scale);
        luma[(y + row) * width + x + column] = Math.round(value);
      }
  });
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  return { width, height, placements, y4m: Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]) };
}
