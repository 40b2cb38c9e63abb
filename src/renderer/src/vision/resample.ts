import { luma } from '@shared/pixels';
import type { Box, RotatedSquare } from './geometry';

/** Grey pixels in [0, 1], row by row. */
export interface GreyImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** The frame's pixels that a rotated square touches, clamped to the frame: all a crop needs to read. */
export function squareBounds(square: RotatedSquare, frameWidth: number, frameHeight: number): Box {
  const reach = (square.side / 2) * (Math.abs(Math.cos(square.angle)) + Math.abs(Math.sin(square.angle)));
  const left = Math.max(0, Math.floor(square.centreX - reach) - 1);
  const top = Math.max(0, Math.floor(square.centreY - reach) - 1);
  const right = Math.min(frameWidth, Math.ceil(square.centreX + reach) + 1);
  const bottom = Math.min(frameHeight, Math.ceil(square.centreY + reach) + 1);
  return { x: left, y: top, width: Math.max(0, right - left), height: Math.max(0, bottom - top) };
}

/**
 * The bilinear value of `data` (`width` x `height`, row by row) at the point (x, y), pixel centres
 * sitting at +0.5; within half a pixel of the edge the edge pixel is repeated.
 */
export function bilinearAt(data: ArrayLike<number>, width: number, height: number, x: number, y: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const top = data[y0 * width + x0] * (1 - ax) + data[y0 * width + x1] * ax;
  const bottom = data[y1 * width + x0] * (1 - ax) + data[y1 * width + x1] * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * A rotated square of `image` as `size` x `size` pixels, each the mean of the image over the part
 * of the square it stands for (a box filter), written into `out`. A face 300 px wide becomes a
 * 48 px crop in which every source pixel counts, as FER2013's own downscaled faces were made;
 * sampling one point per output pixel instead aliases hair, teeth and wrinkles into noise.
 * Each output pixel averages an n x n grid of bilinear samples spread evenly over its footprint,
 * n being the scale factor rounded up: at whole-number factors on an upright square the samples
 * sit on pixel centres and the mean is the exact area average. Points outside the image read as
 * `outside` (mid grey: what a face cut by the frame's edge is padded with).
 */
export function resampleSquare(
  image: GreyImage,
  square: RotatedSquare,
  size: number,
  out: Float32Array,
  outside = 0.5,
): void {
  const { data, width, height } = image;
  const cos = Math.cos(square.angle);
  const sin = Math.sin(square.angle);
  const n = Math.max(1, Math.ceil(square.side / size - 1e-9));
  const step = square.side / size / n;
  const half = square.side / 2;
  const sample = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? outside : bilinearAt(data, width, height, x, y);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        // Square-local coordinates of the sample, from the square's centre.
        const ly = (v * n + j + 0.5) * step - half;
        for (let i = 0; i < n; i++) {
          const lx = (u * n + i + 0.5) * step - half;
          sum += sample(square.centreX + lx * cos - ly * sin, square.centreY + lx * sin + ly * cos);
        }
      }
      out[v * size + u] = sum / (n * n);
    }
  }
}

/**
 * A face's model input from the RGBA pixels of the frame region that holds it (`square` in that
 * region's pixels): grey (BT.601 luma, as the dataset decoder makes it), then resampled by area
 * (resampleSquare). A large face is first shrunk by whole blocks in the same pass as the grey
 * conversion (cheap sums, and still an area average), which leaves resampleSquare two or three
 * samples a side per output pixel: a 360 px face costs about a millisecond.
 */
export function cropFace(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  square: RotatedSquare,
  size: number,
  out: Float32Array,
): void {
  const factor = Math.max(1, Math.floor(square.side / size / 2));
  const image = greyBlocks(rgba, width, height, factor);
  const scaled = {
    centreX: square.centreX / factor,
    centreY: square.centreY / factor,
    side: square.side / factor,
    angle: square.angle,
  };
  resampleSquare(image, scaled, size, out);
}

/** Grey in [0, 1] of RGBA pixels, each `factor` x `factor` block averaged into one (partial blocks at the edges too). */
export function greyBlocks(rgba: ArrayLike<number>, width: number, height: number, factor: number): GreyImage {
  const outWidth = Math.ceil(width / factor);
  const outHeight = Math.ceil(height / factor);
  const data = new Float32Array(outWidth * outHeight);
  const counts = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < height; y++) {
    const row = ((y / factor) | 0) * outWidth;
    let i = y * width * 4;
    for (let bx = 0; bx < outWidth; bx++) {
      const start = bx * factor;
      const end = Math.min(start + factor, width);
      let sum = 0;
      for (let x = start; x < end; x++, i += 4) sum += luma(rgba[i], rgba[i + 1], rgba[i + 2]);
      data[row + bx] += sum;
      counts[row + bx] += end - start;
    }
  }
  for (let i = 0; i < data.length; i++) data[i] /= counts[i] * 255;
  return { data, width: outWidth, height: outHeight };
}
