import { FACE_PIXELS, FACE_SIZE } from '@shared/emotions';
import type { RotatedSquare } from './geometry';
import { cropFace, squareBounds } from './resample';
import { sourceSize, type DetectionSource } from './source';

/**
 * Cuts faces out of frames as model inputs: 48x48 grayscale in [0, 1], back to back. Only the
 * pixels a face's square touches are read from the frame, at full size; the downscale is an area
 * average (see cropFace), on the upright and the turned path alike.
 */
export class FaceCropper {
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;

  constructor() {
    this.canvas = document.createElement('canvas');
    const context = this.canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!context) throw new Error('No 2D canvas available');
    this.context = context;
  }

  crop(source: DetectionSource, regions: RotatedSquare[]): Float32Array {
    const { width: frameWidth, height: frameHeight } = sourceSize(source);
    const out = new Float32Array(regions.length * FACE_PIXELS);
    regions.forEach((region, i) => {
      const { x, y, width, height } = squareBounds(region, frameWidth, frameHeight);
      const face = out.subarray(i * FACE_PIXELS, (i + 1) * FACE_PIXELS);
      if (width === 0 || height === 0) return face.fill(0.5);
      // Growing the canvas reallocates it: only when a larger face comes along.
      if (this.canvas.width < width) this.canvas.width = width;
      if (this.canvas.height < height) this.canvas.height = height;
      this.context.drawImage(source, x, y, width, height, 0, 0, width, height);
      const { data } = this.context.getImageData(0, 0, width, height);
      const local = { ...region, centreX: region.centreX - x, centreY: region.centreY - y };
      cropFace(data, width, height, local, FACE_SIZE, face);
    });
    return out;
  }
}
