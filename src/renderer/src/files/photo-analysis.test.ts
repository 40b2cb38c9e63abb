import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import type { PhotoResult } from '@shared/photos';
import type { FramePipeline } from '../vision/frame-analysis';
import { analysePhotos, noFaceAdvice } from './photo-analysis';

/** Decoding as the browser does it: images decode to their size, anything else is refused. */
const decoded = new Map<string, { width: number; height: number }>([
  ['one.jpg', { width: 4000, height: 3000 }],
  ['two.png', { width: 640, height: 480 }],
  ['none.webp', { width: 800, height: 600 }],
]);
beforeEach(() => {
  vi.stubGlobal('createImageBitmap', async (file: File) => {
    const size = decoded.get(file.name);
    if (!size) throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
    return { ...size, name: file.name, close: vi.fn() };
  });
});
afterEach(() => vi.unstubAllGlobals());

const FACES: Record<string, number> = { 'one.jpg': 1, 'two.png': 2, 'none.webp': 0 };
type FakeBitmap = ImageBitmap & { name: string };
const pipeline: FramePipeline<ImageBitmap> = {
  detect: (image) =>
    Array.from({ length: FACES[(image as FakeBitmap).name] }, (_, i) => ({
      box: { x: 100 + 300 * i, y: 100, width: 200, height: 200 },
      score: 0.9,
    })),
  crop: (_image, regions) => new Float32Array(regions.length * FACE_PIXELS),
  classify: async (faces) => ({
    probabilities: new Float32Array((faces.length / FACE_PIXELS) * NUM_CLASSES).fill(1 / NUM_CLASSES),
    model: 'test',
    inferenceMs: 1,
  }),
};
const file = (name: string) => new File([new Uint8Array(8)], name);

describe('analysePhotos', () => {
  it('analyses each photo in order, in its own pixels, and names a file it cannot read', async () => {
    const results: PhotoResult[] = [];
    const done = await analysePhotos(
      ['one.jpg', 'notes.txt', 'two.png', 'none.webp'].map(file),
      pipeline,
      (result) => results.push(result),
      new AbortController().signal,
    );
    expect(done).toBe(4);
    expect(results.map((r) => [r.fileName, r.width, r.faces.length, r.error ?? ''])).toEqual([
      ['one.jpg', 4000, 1, ''],
      [
        'notes.txt',
        0,
        0,
        '"notes.txt" is not a photo or a video: the app analyses JPEG, PNG, WebP and BMP photos, and WebM, MP4, MKV, MOV and OGV videos',
      ],
      ['two.png', 640, 2, ''],
      ['none.webp', 800, 0, ''],
    ]);
    expect(results[2].faces[1].box).toEqual({ x: 400, y: 100, width: 200, height: 200 });
    expect(results[0].faces[0].probabilities).toHaveLength(NUM_CLASSES);
  });

  it('stops between photos when cancelled, keeping what it finished', async () => {
    const controller = new AbortController();
    const results: string[] = [];
    const done = await analysePhotos(
      ['one.jpg', 'two.png', 'none.webp'].map(file),
      pipeline,
      (result, progress) => {
        results.push(`${result.fileName} ${progress.done}/${progress.total}`);
        if (progress.done === 2) controller.abort();
      },
      controller.signal,
    );
    expect(done).toBe(2);
    expect(results).toEqual(['one.jpg 1/3', 'two.png 2/3']);
  });

  it('keeps the faces found when classification fails, saying why', async () => {
    const failing = { ...pipeline, classify: () => Promise.reject(new Error('the ML process restarted')) };
    const results: PhotoResult[] = [];
    await analysePhotos([file('two.png')], failing, (r) => results.push(r), new AbortController().signal);
    expect(results[0].faces).toHaveLength(2);
    expect(results[0].faces[0].probabilities).toBeUndefined();
    expect(results[0].error).toBe('Faces found but not classified: the ML process restarted');
  });
});

describe('a photo without a face found', () => {
  it('names the smallest face looked for in a photo of its size, and what to do', () => {
    expect(noFaceAdvice(4000, 3000)).toBe(
      'No face found. Faces narrower than about 125 px are too small to find in a 4000×3000 photo: ' +
        'crop closer to the face and add the crop, or use a photo where the face looks towards the camera.',
    );
    expect(noFaceAdvice(640, 480)).toContain('narrower than about 48 px');
  });
});
