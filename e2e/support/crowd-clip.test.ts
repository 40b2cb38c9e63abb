import { describe, expect, it } from 'vitest';
import { FACE_PIXELS, FACE_SIZE } from '../../src/shared/emotions';
import { CROWD_SIDES, crowdClip, crowdPlacements } from './crowd-clip';

describe('the crowd clip', () => {
  it('places twenty faces of 64-96 px apart from each other, inside a 1280x720 frame', () => {
    const placements = crowdPlacements(20, 1280, 720);
    expect(placements).toHaveLength(20);
    expect(new Set(placements.map((p) => p.side))).toEqual(new Set(CROWD_SIDES));
    for (const [i, a] of placements.entries()) {
      expect(a.x >= 0 && a.y >= 0 && a.x + a.side <= 1280 && a.y + a.side <= 720).toBe(true);
      for (const b of placements.slice(i + 1)) {
        const apart = a.x + a.side <= b.x || b.x + b.side <= a.x || a.y + a.side <= b.y || b.y + b.side <= a.y;
        expect(apart, `faces ${i} and ${placements.indexOf(b)} overlap`).toBe(true);
      }
    }
    expect(() => crowdPlacements(200, 640, 480)).toThrow(/do not fit/);
  });

  it('writes a y4m clip of grey frames with each face where it was placed', () => {
    // Face k is a flat grey of 10 + 10 k, so every pixel of its square must read that value.
    const faces = new Uint8Array(20 * FACE_PIXELS);
    for (let k = 0; k < 20; k++) faces.fill(10 + 10 * k, k * FACE_PIXELS, (k + 1) * FACE_PIXELS);
    const { y4m, placements } = crowdClip(faces, { frames: 3 });
    const header = 'YUV4MPEG2 W1280 H720 F30:1 Ip A1:1 C420jpeg\n';
    expect(y4m.subarray(0, header.length).toString()).toBe(header);
    const frameBytes = 'FRAME\n'.length + 1280 * 720 * 1.5;
    expect(y4m.length).toBe(header.length + 3 * frameBytes);
    const luma = (frame: number, x: number, y: number) =>
      y4m[header.length + frame * frameBytes + 'FRAME\n'.length + y * 1280 + x];
    for (const [k, { x, y, side }] of placements.entries()) {
      for (const [dx, dy] of [
        [0, 0],
        [side - 1, side - 1],
        [side >> 1, side >> 2],
      ])
        expect(luma(2, x + dx, y + dy)).toBe(10 + 10 * k);
      expect(luma(0, x - 1, y)).toBe(128); // the background just beside it
    }
    // A face with detail keeps it: its left half dark, its right half light.
    const striped = new Uint8Array(FACE_PIXELS).map((_, i) => (i % FACE_SIZE < FACE_SIZE / 2 ? 0 : 255));
    const one = crowdClip(striped, { frames: 1 });
    const [{ x, y, side }] = one.placements;
    const at = (px: number, py: number) => one.y4m[header.length + 'FRAME\n'.length + py * 1280 + px];
    expect(at(x + 2, y + side / 2)).toBe(0);
    expect(at(x + side - 3, y + side / 2)).toBe(255);
  });
});
