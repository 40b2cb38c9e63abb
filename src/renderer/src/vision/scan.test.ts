import { describe, expect, it } from 'vitest';
import { SCAN } from './config';
import type { Box } from './geometry';
import { mergeFinds, minFaceFor, tileAround, tilePyramid, TileSweep, wholeInTile } from './scan';

const inside = (tile: Box, width: number, height: number) =>
  tile.x >= 0 && tile.y >= 0 && tile.x + tile.width <= width + 1e-9 && tile.y + tile.height <= height + 1e-9;

/** Whether some tile holds the face whole at a scale the detector sees it (a quarter to a half of the tile). */
const held = (tiles: Box[], face: Box) =>
  tiles.some(
    (t) =>
      face.x >= t.x &&
      face.y >= t.y &&
      face.x + face.width <= t.x + t.width &&
      face.y + face.height <= t.y + t.height &&
      face.width <= t.width / 2 &&
      face.width * 4 >= t.width,
  );

describe('tilePyramid', () => {
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
  ])
    it(`holds every face from 48 px to a third of the frame whole in a tile of its scale, at ${width}x${height}`, () => {
      const tiles = tilePyramid(width, height, 48);
      expect(tiles.every((t) => inside(t, width, height))).toBe(true);
      // Faces of every size the whole-frame pass may miss, at positions across the frame.
      for (const side of [48, 64, 90, 128, 160])
        for (let x = 0; x + side <= width; x += 37)
          for (let y = 0; y + side <= height; y += 41) {
            const face = { x, y, width: side, height: side };
            if (!held(tiles, face)) throw new Error(`${side} px face at ${x},${y} is in no tile of its scale`);
          }
    });

  it('costs 30 tiles at 640x480, 125 at 1280x720, and none where the whole frame suffices', () => {
    expect(tilePyramid(640, 480, 48)).toHaveLength(30);
    expect(tilePyramid(1280, 720, 48)).toHaveLength(125);
    expect(tilePyramid(160, 120, 48)).toEqual([]);
  });

  it('looks for smaller faces in a photo than a share of its long side', () => {
    expect(minFaceFor(640, 480, true)).toBe(48);
    expect(minFaceFor(4000, 3000, true)).toBe(4000 / 32);
    expect(minFaceFor(4000, 3000, false)).toBe(48);
    // A face a twelfth of a 4000 px photo's width lies well inside the finest tiles' range.
    expect(4000 / 12).toBeGreaterThan(minFaceFor(4000, 3000, true));
  });
});

describe('wholeInTile', () => {
  const tile = { x: 100, y: 100, width: 200, height: 200 };
  it('keeps a face inside the tile and drops one cut by an inner edge or too large for the tile', () => {
    expect(wholeInTile({ x: 150, y: 150, width: 60, height: 60 }, tile, 640, 480)).toBe(true);
    expect(wholeInTile({ x: 101, y: 150, width: 60, height: 60 }, tile, 640, 480)).toBe(false);
    expect(wholeInTile({ x: 150, y: 150, width: 150, height: 150 }, tile, 640, 480)).toBe(false);
  });
  it('keeps a face at a tile edge that is the frame edge', () => {
    expect(wholeInTile({ x: 0, y: 10, width: 60, height: 60 }, { x: 0, y: 0, width: 200, height: 200 }, 640, 480)).toBe(
      true,
    );
  });
});

describe('mergeFinds', () => {
  it('keeps the surest of the finds of one face and every other face', () => {
    const a = { box: { x: 100, y: 100, width: 50, height: 50 }, score: 0.7 };
    const b = { box: { x: 104, y: 102, width: 46, height: 48 }, score: 0.9 };
    const c = { box: { x: 300, y: 100, width: 50, height: 50 }, score: 0.6 };
    expect(mergeFinds([a, b, c])).toEqual([b, c]);
  });
});

describe('TileSweep', () => {
  it('sweeps the whole pyramid in turn, a few tiles a frame', () => {
    const sweep = new TileSweep(2);
    const all = tilePyramid(640, 480, 48);
    const seen = new Set<string>();
    for (let frame = 0; frame < Math.ceil(all.length / 2); frame++) {
      const tiles = sweep.plan(640, 480);
      expect(tiles).toHaveLength(2);
      for (const t of tiles) seen.add(JSON.stringify(t));
    }
    expect(seen.size).toBe(all.length);
  });

  it('looks in a tile every other frame at half a tile a frame', () => {
    const sweep = new TileSweep(0.5);
    expect([1, 2, 3, 4].map(() => sweep.plan(640, 480).length)).toEqual([0, 1, 0, 1]);
  });

  it('follows a small face in a tile of its own until it has been missed too long', () => {
    const sweep = new TileSweep(0);
    const face = { x: 300, y: 200, width: 40, height: 40 };
    sweep.observe([{ box: face }, { box: { x: 0, y: 0, width: 300, height: 300 } }], 640, 480);
    const [around] = sweep.plan(640, 480);
    expect(around).toEqual(tileAround(face, 640, 480));
    expect(around.width).toBeCloseTo(40 * 1.2 * 3);
    expect(sweep.plan(640, 480)).toHaveLength(1); // large faces need no tile
    for (let missed = 1; missed <= SCAN.maxMissed; missed++) {
      sweep.observe([], 640, 480);
      expect(sweep.plan(640, 480)).toHaveLength(1);
    }
    sweep.observe([], 640, 480);
    expect(sweep.plan(640, 480)).toHaveLength(0);
  });
});

describe('TileSweep with a room of small faces', () => {
  /** Five small faces in a row, and which of them lie in a set of tiles. */
  const faces = [0, 1, 2, 3, 4].map((i) => ({ box: { x: 40 + i * 110, y: 200, width: 40, height: 40 }, score: 0.9 }));
  const inTiles = (tiles: Box[]) =>
    faces.filter(({ box }) => tiles.some((t) => box.x >= t.x && box.x + box.width <= t.x + t.width));
  /** Whether the sweep looks for this face in one of these tiles: a tile around it. */
  const looksFor = (tiles: Box[], face: (typeof faces)[number]) =>
    tiles.some((t) => JSON.stringify(t) === JSON.stringify(tileAround(face.box, 640, 480)));

  it('looks for at most followPerFrame of them a frame, those looked for longest ago, and the rest stand where they were found', () => {
    const sweep = new TileSweep<(typeof faces)[number]>(0, 2);
    expect(sweep.observe(faces, 640, 480)).toEqual([]);
    const lookedFor = new Map<number, number>();
    for (let frame = 1; frame <= 6; frame++) {
      const tiles = sweep.plan(640, 480);
      expect(tiles).toHaveLength(2);
      const due = faces.filter((f) => looksFor(tiles, f));
      expect(due).toHaveLength(2);
      for (const face of due) {
        // Each face waits its turn: five faces two a frame, so each is looked for every second or third frame.
        const last = lookedFor.get(faces.indexOf(face));
        if (last !== undefined) expect(frame - last).toBeGreaterThanOrEqual(2);
        if (last !== undefined) expect(frame - last).toBeLessThanOrEqual(3);
        lookedFor.set(faces.indexOf(face), frame);
      }
      const found = inTiles(tiles).filter((f) => due.includes(f));
      const standing = sweep.observe(found, 640, 480);
      // Every face is in this frame's faces once: found, or standing where it was last found.
      expect([...found, ...standing].map((f) => faces.indexOf(f)).sort()).toEqual([0, 1, 2, 3, 4]);
    }
    expect(lookedFor.size).toBe(5);
  });

  it('lets a face that was looked for and missed stand no more, and forgets it after missing it too often', () => {
    const sweep = new TileSweep<(typeof faces)[number]>(0, 1);
    const [gone, stays] = faces;
    sweep.observe([gone, stays], 640, 480);
    const standingAfter = (found: typeof faces) => sweep.observe(found, 640, 480);
    // Frame 1 looks for the first face (both were looked at in frame 0): it is not there.
    expect(sweep.plan(640, 480)).toEqual([tileAround(gone.box, 640, 480)]);
    expect(standingAfter([])).toEqual([stays]);
    // Frame 2 looks for the second, found; the missed one does not stand.
    expect(sweep.plan(640, 480)).toEqual([tileAround(stays.box, 640, 480)]);
    expect(standingAfter([stays])).toEqual([]);
    let lookups = 1;
    for (let frame = 0; frame < 4 * SCAN.maxMissed; frame++) {
      const tiles = sweep.plan(640, 480);
      if (looksFor(tiles, gone)) lookups++;
      standingAfter(inTiles(tiles).filter((f) => f === stays));
    }
    // As a face followed every frame: the miss, then maxMissed more lookups before it is forgotten.
    expect(lookups).toBe(1 + SCAN.maxMissed);
  });

  it('does not stand a face where this frame found one, at any size', () => {
    const sweep = new TileSweep<(typeof faces)[number]>(0, 1);
    sweep.observe(faces.slice(0, 3), 640, 480);
    sweep.plan(640, 480);
    const grown = { box: { x: 70, y: 130, width: 180, height: 180 }, score: 0.9 };
    expect(sweep.observe([grown], 640, 480)).toEqual([faces[2]]);
  });
});
