/**
 * Where to look for faces besides the whole frame (see SCAN in config.ts): square tiles, coarse to
 * fine, and tiles around small faces seen lately. Pure geometry: face-detector.ts runs the
 * detector on what these functions choose.
 */
import { SCAN } from './config';
import { ferSide, overlapArea, type Box } from './geometry';

/** The smallest face looked for in a frame or photo of this size. */
export function minFaceFor(width: number, height: number, still: boolean): number {
  return still ? Math.max(SCAN.minFace, Math.max(width, height) * SCAN.stillMinFaceShare) : SCAN.minFace;
}

/** Square tiles of one side overlapping by half, spread evenly so that the last one ends at the edge. */
function tilesOfSide(side: number, width: number, height: number): Box[] {
  const along = (length: number) => {
    const count = Math.max(1, Math.ceil((length - side) / (side / 2)) + 1);
    return Array.from({ length: count }, (_, i) => (count === 1 ? 0 : (i * (length - side)) / (count - 1)));
  };
  return along(height).flatMap((y) => along(width).map((x) => ({ x, y, width: side, height: side })));
}

/**
 * Every tile to look in for faces down to `minFace`, coarse to fine: tiles half the frame's long
 * side, then half that, down to `tileOverFace` times the smallest face. None when one pass over
 * the whole frame already finds faces that small.
 */
export function tilePyramid(width: number, height: number, minFace: number): Box[] {
  const long = Math.max(width, height);
  const finest = Math.min(minFace * SCAN.tileOverFace, width, height);
  if (minFace >= long * SCAN.wholeFrameShare) return [];
  const tiles: Box[] = [];
  for (let side = Math.min(long / 2, width, height); ; side = Math.max(side / 2, finest)) {
    tiles.push(...tilesOfSide(Math.max(side, finest), width, height));
    if (side <= finest) return tiles;
  }
}

/** A tile centred on a small face, the face a third of it, inside the frame. */
export function tileAround(box: Box, width: number, height: number): Box {
  const side = Math.min(ferSide(box) * 3, width, height);
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), max - side);
  return {
    x: clamp(box.x + box.width / 2 - side / 2, width),
    y: clamp(box.y + box.height / 2 - side / 2, height),
    width: side,
    height: side,
  };
}

/**
 * Whether a face found in a tile is a whole face at that tile's scale: not cut by an edge the tile
 * shares with the rest of the frame (an overlapping tile holds it whole), and not larger than the
 * tile's scale is meant for (a coarser pass finds it, and here it may be a part of a face).
 */
export function wholeInTile(box: Box, tile: Box, width: number, height: number): boolean {
  const margin = tile.width * SCAN.edgeMargin;
  if (Math.max(box.width, box.height) > tile.width * SCAN.maxShareOfTile) return false;
  if (tile.x > 0 && box.x < tile.x + margin) return false;
  if (tile.y > 0 && box.y < tile.y + margin) return false;
  if (tile.x + tile.width < width && box.x + box.width > tile.x + tile.width - margin) return false;
  if (tile.y + tile.height < height && box.y + box.height > tile.y + tile.height - margin) return false;
  return true;
}

/** Area of the overlap over the smaller box: 1 when one box holds the other. */
function overlapOfSmaller(a: Box, b: Box): number {
  return overlapArea(a, b) / Math.min(a.width * a.height, b.width * b.height);
}

/** One detection per face: where passes found the same face, the surest find stands. */
export function mergeFinds<F extends { box: Box; score: number }>(faces: F[]): F[] {
  const kept: F[] = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((other) => overlapOfSmaller(face.box, other.box) < 0.5)) kept.push(face);
  }
  return kept;
}

/** A small face the sweep follows: its last find, and how it went when last looked for. */
interface Followed<F> {
  face: F;
  /** Times it was looked for and not found since it was last found. */
  missed: number;
  /** The frame it was last looked for in. */
  lookedAt: number;
}

/**
 * Which tiles a stream of frames (the camera, a video) looks in: around small faces seen in the
 * last few frames, so a face once found is followed at its own scale, and a rolling share of the
 * pyramid, so that new small faces are found within a sweep. A room of small faces would cost a
 * detector call each per frame: at most `followPerFrame` of them are looked for in a frame, those
 * looked at longest ago, and the others stand where they were last found (`observe` hands them back).
 */
export class TileSweep<F extends { box: Box }> {
  private pyramid: Box[] = [];
  private pyramidFor = '';
  private next = 0;
  /** Tiles owed to the sweep: a share of a tile a frame adds up to a whole one every few frames. */
  private owed = 0;
  private followed: Followed<F>[] = [];
  private frame = 0;

  constructor(
    private readonly tilesPerFrame: number,
    private readonly followPerFrame = Infinity,
  ) {}

  plan(width: number, height: number): Box[] {
    this.fit(width, height);
    this.frame++;
    const due = [...this.followed].sort((a, b) => a.lookedAt - b.lookedAt).slice(0, this.followPerFrame);
    for (const followed of due) followed.lookedAt = this.frame;
    const tiles = due.map(({ face }) => tileAround(face.box, width, height));
    this.owed += this.tilesPerFrame;
    const count = Math.min(Math.floor(this.owed), this.pyramid.length);
    this.owed -= count;
    for (let i = 0; i < count; i++) tiles.push(this.pyramid[(this.next + i) % this.pyramid.length]);
    this.next = (this.next + count) % Math.max(1, this.pyramid.length);
    return tiles;
  }

  /**
   * This frame's faces: the small ones are looked for around where they are next time. Returns the
   * followed faces this frame did not look for, found when last looked for: they stand where they were.
   */
  observe(faces: readonly F[], width: number, height: number): F[] {
    this.fit(width, height);
    const long = Math.max(width, height);
    const small = faces.filter((face) => ferSide(face.box) < long * SCAN.wholeFrameShare);
    const kept: Followed<F>[] = [];
    const standing: F[] = [];
    for (const followed of this.followed) {
      if (faces.some((found) => overlapOfSmaller(found.box, followed.face.box) >= 0.3)) continue;
      if (followed.lookedAt < this.frame) {
        kept.push(followed);
        if (followed.missed === 0) standing.push(followed.face);
      } else if (followed.missed < SCAN.maxMissed) kept.push({ ...followed, missed: followed.missed + 1 });
    }
    this.followed = [...small.map((face) => ({ face, missed: 0, lookedAt: this.frame })), ...kept];
    return standing;
  }

  /** A new frame size (another camera, another file) starts afresh. */
  private fit(width: number, height: number): void {
    const size = `${width}x${height}`;
    if (size === this.pyramidFor) return;
    this.pyramid = tilePyramid(width, height, minFaceFor(width, height, false));
    this.pyramidFor = size;
    this.followed = [];
    this.next = 0;
    this.owed = 0;
  }
}
