import { describe, expect, it } from 'vitest';
import type { RotatedSquare } from './geometry';
import { cropFace, greyBlocks, resampleSquare, squareBounds, type GreyImage } from './resample';

const SIZE = 48;

/** A frame of a pattern that aliases when sampled: a checkerboard of `cell` px over a slow gradient. */
function pattern(width: number, height: number, cell: number): GreyImage {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const check = (Math.floor(x / cell) + Math.floor(y / cell)) % 2;
      data[y * width + x] = 0.15 + 0.5 * check + (0.3 * x) / width;
    }
  return { data, width, height };
}

/**
 * The reference: each output pixel the exact mean of the pixels (as little squares) under its
 * footprint, integrated on a grid of 24 x 24 points (nearest pixel, no interpolation).
 */
function areaAverage(image: GreyImage, square: RotatedSquare): Float32Array {
  const grid = 24;
  const out = new Float32Array(SIZE * SIZE);
  const cos = Math.cos(square.angle);
  const sin = Math.sin(square.angle);
  const cellSide = square.side / SIZE;
  for (let v = 0; v < SIZE; v++)
    for (let u = 0; u < SIZE; u++) {
      let sum = 0;
      for (let j = 0; j < grid; j++)
        for (let i = 0; i < grid; i++) {
          const lx = (u + (i + 0.5) / grid) * cellSide - square.side / 2;
          const ly = (v + (j + 0.5) / grid) * cellSide - square.side / 2;
          const x = Math.floor(square.centreX + lx * cos - ly * sin);
          const y = Math.floor(square.centreY + lx * sin + ly * cos);
          sum += x >= 0 && y >= 0 && x < image.width && y < image.height ? image.data[y * image.width + x] : 0.5;
        }
      out[v * SIZE + u] = sum / (grid * grid);
    }
  return out;
}

/** One point per output pixel, at its centre: what a plain scaled draw does. */
function pointSampled(image: GreyImage, square: RotatedSquare): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  const cos = Math.cos(square.angle);
  const sin = Math.sin(square.angle);
  for (let v = 0; v < SIZE; v++)
    for (let u = 0; u < SIZE; u++) {
      const lx = ((u + 0.5) / SIZE - 0.5) * square.side;
      const ly = ((v + 0.5) / SIZE - 0.5) * square.side;
      const x = Math.floor(square.centreX + lx * cos - ly * sin);
      const y = Math.floor(square.centreY + lx * sin + ly * cos);
      out[v * SIZE + u] = image.data[y * image.width + x];
    }
  return out;
}

const meanAbsoluteDifference = (a: Float32Array, b: Float32Array) =>
  a.reduce((sum, value, i) => sum + Math.abs(value - b[i]), 0) / a.length;

describe('resampleSquare', () => {
  const image = pattern(800, 600, 2);

  for (const side of [48, 96, 150, 300, 400])
    for (const degrees of [0, 17, -30])
      it(`averages the area each output pixel covers: a ${side} px square turned ${degrees}°`, () => {
        const square = { centreX: 400, centreY: 300, side, angle: (degrees * Math.PI) / 180 };
        const crop = new Float32Array(SIZE * SIZE);
        resampleSquare(image, square, SIZE, crop);
        const reference = areaAverage(image, square);
        // Bilinear samples blur a 2 px checkerboard a little at 1:1; beyond that the match is close.
        expect(meanAbsoluteDifference(crop, reference)).toBeLessThan(side === SIZE ? 0.12 : 0.03);
        if (side >= 150) {
          // The test can tell: sampling one point per pixel misses the reference by far more.
          expect(meanAbsoluteDifference(pointSampled(image, square), reference)).toBeGreaterThan(0.15);
        }
      });

  for (const side of [150, 300, 400])
    it(`averages the area from the frame's RGBA pixels too, shrinking a ${side} px face by blocks first`, () => {
      const rgba = new Uint8ClampedArray(image.data.length * 4);
      image.data.forEach((v, i) => rgba.set([v * 255, v * 255, v * 255, 255], i * 4));
      const square = { centreX: 401, centreY: 299, side, angle: 0.3 };
      const crop = new Float32Array(SIZE * SIZE);
      cropFace(rgba, image.width, image.height, square, SIZE, crop);
      expect(meanAbsoluteDifference(crop, areaAverage(image, square))).toBeLessThan(0.03);
    });

  it('turns RGBA blocks into their mean luma, partial blocks at the edges included', () => {
    // 5 x 1 pixels: red, green, blue, white, black; blocks of 2.
    const rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255];
    const grey = greyBlocks(rgba, 5, 1, 2);
    expect(grey.width).toBe(3);
    expect(grey.data[0]).toBeCloseTo((0.299 + 0.587) / 2);
    expect(grey.data[1]).toBeCloseTo((0.114 + 1) / 2);
    expect(grey.data[2]).toBeCloseTo(0);
  });

  it('is the exact mean of each block at whole-number factors', () => {
    const crop = new Float32Array(SIZE * SIZE);
    resampleSquare(image, { centreX: 200, centreY: 200, side: 144, angle: 0 }, SIZE, crop);
    // Output pixel (5, 7) covers source pixels x 128+15..128+17, y 128+21..128+23.
    let sum = 0;
    for (let y = 149; y < 152; y++) for (let x = 143; x < 146; x++) sum += image.data[y * image.width + x];
    expect(crop[7 * SIZE + 5]).toBeCloseTo(sum / 9, 5);
  });

  it('pads what lies outside the image with mid grey', () => {
    const black = { data: new Float32Array(100 * 100), width: 100, height: 100 };
    const crop = new Float32Array(SIZE * SIZE);
    resampleSquare(black, { centreX: 0, centreY: 50, side: 96, angle: 0 }, SIZE, crop);
    expect(crop[10 * SIZE + 5]).toBeCloseTo(0.5);
    expect(crop[10 * SIZE + 40]).toBeCloseTo(0);
  });
});

describe('squareBounds', () => {
  it('covers a turned square, clamped to the frame', () => {
    const bounds = squareBounds({ centreX: 100, centreY: 100, side: 100, angle: Math.PI / 4 }, 640, 480);
    // Half the diagonal is 70.7 px.
    expect(bounds.x).toBeLessThanOrEqual(100 - 70.7);
    expect(bounds.x + bounds.width).toBeGreaterThanOrEqual(100 + 70.7);
    expect(squareBounds({ centreX: 10, centreY: 10, side: 100, angle: 0 }, 640, 480)).toMatchObject({ x: 0, y: 0 });
  });
});
