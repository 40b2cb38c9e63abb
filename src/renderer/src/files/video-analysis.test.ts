import { describe, expect, it } from 'vitest';
import { MAX_FACES_PER_CALL, MAX_FACES_PER_FRAME } from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import type { SampleInput } from '@shared/sessions';
import { analyseFrame, type FramePipeline } from '../vision/frame-analysis';
import { FaceTracker } from '../vision/tracker';
import { analyseVideo, type VideoProgress } from './video-analysis';

const video = { videoWidth: 640, videoHeight: 480 };
const size = { width: 640, height: 480 };

/** Faces where the test says, each classified with its own index as the top class. */
function pipeline(facesAt: (seconds: number) => number, seen: { seconds: number } = { seconds: 0 }) {
  const classified: number[] = [];
  const fake: FramePipeline<typeof video> = {
    detect: () =>
      Array.from({ length: facesAt(seen.seconds) }, (_, i) => ({
        box: { x: 20 + 60 * i, y: 100, width: 50, height: 50 },
        score: 0.9,
      })),
    crop: (_source, regions) => new Float32Array(regions.length * FACE_PIXELS),
    classify: async (crops) => {
      const count = crops.length / FACE_PIXELS;
      classified.push(count);
      const probabilities = new Float32Array(count * NUM_CLASSES).fill(0.01);
      for (let face = 0; face < count; face++) probabilities[face * NUM_CLASSES + (face % NUM_CLASSES)] = 0.94;
      return { probabilities, model: 'test', inferenceMs: 1 };
    },
  };
  return { fake, classified };
}

describe('analyseFrame', () => {
  it('classifies a room of faces in one call, in order, and a crowd beyond the call’s limit in several', async () => {
    const twenty = pipeline(() => 20);
    const room = await analyseFrame(twenty.fake, video, size, 0);
    expect(twenty.classified).toEqual([20]);
    expect(room.detections).toHaveLength(20);
    expect(room.probabilities).toHaveLength(20 * NUM_CLASSES);
    const crowd = pipeline(() => MAX_FACES_PER_CALL + 19);
    await analyseFrame(crowd.fake, video, size, 0, { maxFaces: 64 });
    expect(crowd.classified).toEqual([MAX_FACES_PER_CALL, 19]);
    // A frame's analysis stops at MAX_FACES_PER_FRAME faces unless told otherwise.
    const many = pipeline(() => MAX_FACES_PER_FRAME + 5);
    expect((await analyseFrame(many.fake, video, size, 0)).detections).toHaveLength(MAX_FACES_PER_FRAME);
    const { fake, classified } = pipeline(() => 19);
    const found = await analyseFrame(fake, video, size, 0, { maxFaces: 64 });
    expect(classified).toEqual([19]);
    expect(found.detections).toHaveLength(19);
    // Face 10 is the eleventh of its call: its top class (10 mod 7) says it kept its place.
    const face10 = Array.from(found.probabilities!.subarray(10 * NUM_CLASSES, 11 * NUM_CLASSES));
    expect(face10.indexOf(Math.max(...face10))).toBe(3);
  });

  it('reports a failed classification instead of throwing, with the faces still found', async () => {
    const { fake } = pipeline(() => 2);
    const found = await analyseFrame(
      { ...fake, classify: () => Promise.reject(new Error('ML process restarting')) },
      video,
      size,
      0,
    );
    expect(found.classifyError).toBe('ML process restarting');
    expect(found.probabilities).toBeUndefined();
    expect(found.detections).toHaveLength(2);
  });
});

describe('analyseVideo', () => {
  function run(
    durationMs: number,
    framesPerSecond: number,
    options: {
      abortAfter?: number;
      facesAt?: (s: number) => number;
      /** The time of the frame shown for a wanted time (default: exactly it); undefined past the end. */
      frameTime?: (s: number) => number | undefined;
    } = {},
  ) {
    const seen = { seconds: 0 };
    const { fake } = pipeline(options.facesAt ?? (() => 1), seen);
    const seeks: number[] = [];
    const recorded: { faces: SampleInput[]; offsetMs: number }[] = [];
    const progress: VideoProgress[] = [];
    const controller = new AbortController();
    let clock = 0;
    const result = analyseVideo(
      video,
      durationMs,
      framesPerSecond,
      {
        pipeline: fake,
        tracker: new FaceTracker({ window: 1 }),
        frameAt: async (seconds) => {
          const at = options.frameTime ? options.frameTime(seconds) : seconds;
          seeks.push(seconds);
          if (at !== undefined) seen.seconds = at;
          return at;
        },
        record: async (faces, offsetMs) => void recorded.push({ faces, offsetMs }),
        render: () => undefined,
        onProgress: (next) => {
          progress.push(next);
          if (next.frames === options.abortAfter) controller.abort();
        },
        now: () => (clock += 10),
      },
      controller.signal,
    );
    return { result, seeks, recorded, progress };
  }

  it('visits the video at the chosen rate of video time and records each frame at its time in the video', async () => {
    const { result, seeks, recorded, progress } = run(2_000, 5);
    expect(await result).toEqual({ frames: 10, completed: true });
    expect(seeks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    expect(recorded.map((r) => r.offsetMs)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    // Boxes as fractions of the frame; one face tracked across frames keeps its id.
    expect(recorded[0].faces[0].box).toEqual({ x: 20 / 640, y: 100 / 480, width: 50 / 640, height: 50 / 480 });
    expect(new Set(recorded.map((r) => r.faces[0].faceId)).size).toBe(1);
    expect(progress.at(-1)).toMatchObject({ analysedMs: 2_000, durationMs: 2_000, frames: 10, remainingMs: 0 });
    // Time left is the pace so far times the frames to go.
    expect(progress[4].remainingMs).toBeCloseTo((progress[4].elapsedMs / 5) * 5);
  });

  it('takes the frames the video has: a late frame moves the next wanted time on, an early end completes', async () => {
    // Frames stored at whole ms; the one wanted at 0.5 s comes 150 ms late (frames dropped); none after 1.55 s.
    const frameTime = (s: number) => (s > 1.55 ? undefined : s === 0.5 ? 0.65 : Math.round(s * 1000) / 1000);
    const { result, seeks, recorded } = run(2_000, 10, { frameTime });
    expect(await result).toEqual({ frames: 15, completed: true });
    const ms = (s: number) => Math.round(s * 1000);
    expect(seeks.map(ms)).toEqual([
      0, 100, 200, 300, 400, 500, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600,
    ]);
    expect(recorded.map((r) => r.offsetMs)).toEqual([
      0, 100, 200, 300, 400, 650, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500,
    ]);
  });

  it('records nothing for frames without faces, and stops when cancelled, saying it did not finish', async () => {
    const { result, recorded } = run(10_000, 10, { abortAfter: 7, facesAt: (s) => (s < 0.3 ? 0 : 2) });
    expect(await result).toEqual({ frames: 7, completed: false });
    expect(recorded.map((r) => [r.offsetMs, r.faces.length])).toEqual([
      [300, 2],
      [400, 2],
      [500, 2],
      [600, 2],
    ]);
  });

  it('stops with an error naming the moment when the faces of a frame cannot be classified', async () => {
    const { fake } = pipeline(() => 1);
    const failing = { ...fake, classify: () => Promise.reject(new Error('the model failed')) };
    await expect(
      analyseVideo(
        video,
        1_000,
        2,
        {
          pipeline: failing,
          tracker: new FaceTracker({ window: 1 }),
          frameAt: async (seconds) => seconds,
          record: async () => undefined,
          render: () => undefined,
          onProgress: () => undefined,
        },
        new AbortController().signal,
      ),
    ).rejects.toThrow('The faces at 0.0 s could not be classified: the model failed');
  });
});
