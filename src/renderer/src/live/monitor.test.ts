import { describe, expect, it } from 'vitest';
import type { ClassifyResult } from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { LiveMonitor, type VideoSource } from './monitor';
import type { MonitorFrame } from '../vision/frame-analysis';
import { FaceTracker } from '../vision/tracker';

/** A video whose frames arrive when the test says. */
class FakeVideo implements VideoSource {
  videoWidth = 320;
  videoHeight = 240;
  private callbacks = new Map<number, (now: number) => void>();
  private next = 1;
  requestVideoFrameCallback(callback: (now: number) => void): number {
    this.callbacks.set(this.next, callback);
    return this.next++;
  }
  cancelVideoFrameCallback(handle: number): void {
    this.callbacks.delete(handle);
  }
  /** Presents a frame: only callbacks registered before it fire. */
  present(): number {
    const waiting = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const callback of waiting) callback(0);
    return waiting.length;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(faces: number) {
  const video = new FakeVideo();
  let inFlight = 0;
  let maxInFlight = 0;
  let release: (() => void)[] = [];
  const rendered: MonitorFrame[] = [];
  const classified: number[] = [];
  let detections = 0;
  const monitor = new LiveMonitor(video, {
    detect: () => {
      detections++;
      return Array.from({ length: faces }, (_, i) => ({
        box: { x: 10 + 150 * i, y: 40, width: 100, height: 100 },
        score: 0.9,
      }));
    },
    crop: (_video, regions) => new Float32Array(regions.length * FACE_PIXELS),
    classify: async (crops) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      classified.push(crops.length / FACE_PIXELS);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      const probabilities = new Float32Array((crops.length / FACE_PIXELS) * NUM_CLASSES).fill(1 / NUM_CLASSES);
      return { probabilities, model: 'test', inferenceMs: 1 } satisfies ClassifyResult;
    },
    tracker: new FaceTracker({ window: 3 }),
    render: (frame) => void rendered.push(frame),
  });
  const finishClassification = async () => {
    const pending = release;
    release = [];
    pending.forEach((resolve) => resolve());
    await tick();
    await tick();
  };
  return {
    video,
    monitor,
    rendered,
    classified,
    finishClassification,
    maxInFlight: () => maxInFlight,
    detected: () => detections,
  };
}

describe('LiveMonitor', () => {
  it('sends all faces of a frame in one call', async () => {
    const { video, monitor, classified, finishClassification, rendered } = setup(2);
    monitor.start();
    video.present();
    await finishClassification();
    expect(classified).toEqual([2]);
    expect(rendered[0].faces).toHaveLength(2);
  });

  it("finds and sends the next frame's faces while this frame's are classified, and shows the frames in order", async () => {
    const video = new FakeVideo();
    const answers: ((frame: number) => void)[] = [];
    const rendered: number[] = [];
    const monitor = new LiveMonitor(video, {
      detect: () => [{ box: { x: 10, y: 10, width: 100, height: 100 }, score: 0.9 }],
      crop: (_video, regions) => new Float32Array(regions.length * FACE_PIXELS),
      classify: () =>
        new Promise<ClassifyResult>((resolve) =>
          answers.push((frame) =>
            resolve({ probabilities: new Float32Array(NUM_CLASSES).fill(frame), model: 'test', inferenceMs: 1 }),
          ),
        ),
      tracker: new FaceTracker({ window: 1 }),
      render: (frame) => void rendered.push(frame.faces[0].latest![0]),
    });
    monitor.start();
    expect(video.present()).toBe(1); // frame 1 found and sent
    await tick();
    expect(video.present()).toBe(1); // frame 2 found and sent while frame 1 is classified
    await tick();
    expect(answers).toHaveLength(2);
    // The second answer comes first: frame 2 still waits for frame 1 to be shown.
    answers[1](2);
    await tick();
    expect(rendered).toEqual([]);
    answers[0](1);
    await tick();
    await tick();
    expect(rendered).toEqual([1, 2]);
  });

  it('skips the frames that arrive while one frame is classified and the next waits, and never queues them', async () => {
    const { video, monitor, finishClassification, rendered, detected, maxInFlight } = setup(1);
    monitor.start();
    video.present();
    await tick();
    video.present();
    await tick();
    // Frames 3-6 arrive while frame 1 is classified and frame 2 waits: nobody is waiting for them.
    for (let i = 0; i < 4; i++) expect(video.present()).toBe(0);
    expect(detected()).toBe(2);
    expect(maxInFlight()).toBe(2); // both were sent: the ML process answers them in order
    await finishClassification();
    expect(rendered).toHaveLength(2);
    expect(video.present()).toBe(1); // once the frames are shown, the next frame is taken
    expect(detected()).toBe(3);
  });

  it('shows no frame found before a stop after a new start', async () => {
    const { video, monitor, finishClassification, rendered } = setup(1);
    monitor.start();
    video.present();
    await tick();
    monitor.stop();
    monitor.start();
    await finishClassification();
    expect(rendered).toHaveLength(0);
    expect(video.present()).toBe(1);
    await finishClassification();
    expect(rendered).toHaveLength(1);
  });

  it('does not call the classifier for a frame without faces, and shows it as empty', async () => {
    const { video, monitor, classified, rendered } = setup(0);
    monitor.start();
    video.present();
    await tick();
    expect(classified).toEqual([]);
    expect(rendered[0].faces).toEqual([]);
  });

  it('shows the faces without emotions when classification fails, and keeps going', async () => {
    const video = new FakeVideo();
    const rendered: MonitorFrame[] = [];
    const monitor = new LiveMonitor(video, {
      detect: () => [{ box: { x: 10, y: 10, width: 100, height: 100 }, score: 0.9 }],
      crop: (_video, regions) => new Float32Array(regions.length * FACE_PIXELS),
      classify: () => Promise.reject(new Error('The ML process stopped unexpectedly')),
      tracker: new FaceTracker({ window: 3 }),
      render: (frame) => void rendered.push(frame),
    });
    monitor.start();
    video.present();
    await tick();
    await tick();
    expect(rendered[0].classifyError).toMatch(/stopped unexpectedly/);
    expect(rendered[0].faces).toHaveLength(1);
    expect(video.present()).toBe(1);
  });

  it('reports a frame whose faces could not be found, and goes on with the next', async () => {
    const video = new FakeVideo();
    const rendered: MonitorFrame[] = [];
    const errors: string[] = [];
    let calls = 0;
    const monitor = new LiveMonitor(video, {
      detect: () => {
        if (++calls === 1) throw new Error('MediaPipe aborted');
        return [];
      },
      crop: () => new Float32Array(0),
      classify: () => Promise.reject(new Error('no faces to classify')),
      tracker: new FaceTracker({ window: 3 }),
      render: (frame) => void rendered.push(frame),
      onError: (message) => errors.push(message),
    });
    monitor.start();
    video.present();
    expect(errors).toEqual(['Faces could not be found in a frame: MediaPipe aborted']);
    expect(video.present()).toBe(1);
    await tick();
    expect(rendered).toHaveLength(1);
  });

  it('stops asking for frames once stopped', async () => {
    const { video, monitor } = setup(0);
    monitor.start();
    monitor.stop();
    expect(video.present()).toBe(0);
  });
});
