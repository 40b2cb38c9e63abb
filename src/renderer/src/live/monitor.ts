import { MAX_FACES_PER_CALL, type ClassifyResult } from '../../../shared/api';
import { FACE_PIXELS, FACE_SIZE, NUM_CLASSES } from '../../../shared/emotions';
import type { SampleInput } from '../../../shared/sessions';
import type { DetectedFace } from './face-detector';
import { sourceSize, type DetectionSource } from './source';
import { cropFace, squareBounds } from './resample';
import { alignedFerCrop, type RotatedSquare } from './geometry';
import type { FaceTracker, TrackedFace } from './tracker';
import { errorMessage } from '../../../shared/errors';

/** The parts of a <video> element the monitor uses (a fake one in unit tests). */
export interface VideoSource {
  readonly videoWidth: number;
  readonly videoHeight: number;
  requestVideoFrameCallback(callback: (now: number) => void): number;
  cancelVideoFrameCallback(handle: number): void;
}

export interface MonitorFrame {
  faces: TrackedFace[];
  width: number;
  height: number;
  /** Set when this frame's faces could not be classified. */
  classifyError?: string;
  detectMs: number;
  /** Round trip of the classification call, and the part of it spent in the ML process. */
  classifyMs: number;
  inferenceMs?: number;
}

export interface MonitorStats {
  /** Overlay updates in the last second. */
  fps: number;
  /** Median and 95th percentile time from a frame's arrival to its overlay on screen, recent frames. */
  latencyMs: number;
  latencyP95Ms: number;
  frames: number;
}

/** The steps from a frame to its faces' emotions, the same for the camera, a video file and a photo. */
export interface FramePipeline<S> {
  /** A frame's faces: `still` for a photo (every scale looked at now), else one of a stream of frames. */
  detect: (source: S, timestampMs: number, still?: boolean) => DetectedFace[];
  /** Model inputs for squares of the frame (turned to level the eyes where the detector allows). */
  crop: (source: S, regions: RotatedSquare[]) => Float32Array;
  classify: (faces: Float32Array) => Promise<ClassifyResult>;
  now?: () => number;
}

/** One frame's faces, found and classified. */
export interface FrameFaces {
  detections: DetectedFace[];
  /** NUM_CLASSES per detection, in their order; undefined when classification failed. */
  probabilities?: Float32Array;
  classifyError?: string;
  detectMs: number;
  /** Round trip of the classification calls, and the part of it spent in the ML process. */
  classifyMs: number;
  inferenceMs?: number;
}

/**
 * Detects the faces of one frame (at most `maxFaces`; `still` for a photo), crops them and
 * classifies them, in calls of MAX_FACES_PER_CALL faces. A failed classification is reported, not
 * thrown: the faces still show.
 */
export async function analyseFrame<S>(
  pipeline: FramePipeline<S>,
  source: S,
  size: { width: number; height: number },
  timestampMs: number,
  { maxFaces = MAX_FACES_PER_CALL, still = false }: { maxFaces?: number; still?: boolean } = {},
): Promise<FrameFaces> {
  const now = pipeline.now ?? (() => performance.now());
  const started = now();
  const detections = pipeline.detect(source, timestampMs, still).slice(0, maxFaces);
  const detected = now();
  const result: FrameFaces = { detections, detectMs: detected - started, classifyMs: 0 };
  if (detections.length === 0) return result;
  const crops = pipeline.crop(
    source,
    detections.map((d) => alignedFerCrop(d, size.width, size.height)),
  );
  try {
    const probabilities = new Float32Array(detections.length * NUM_CLASSES);
    let inferenceMs = 0;
    for (let first = 0; first < detections.length; first += MAX_FACES_PER_CALL) {
      const last = Math.min(detections.length, first + MAX_FACES_PER_CALL);
      const answer = await pipeline.classify(crops.subarray(first * FACE_PIXELS, last * FACE_PIXELS));
      probabilities.set(answer.probabilities, first * NUM_CLASSES);
      inferenceMs += answer.inferenceMs;
    }
    Object.assign(result, { probabilities, inferenceMs });
  } catch (error) {
    result.classifyError = errorMessage(error);
  }
  result.classifyMs = now() - detected;
  return result;
}

export interface MonitorDependencies<V extends VideoSource> extends FramePipeline<V> {
  tracker: FaceTracker;
  /** Shows a frame's result; resolves once it is on screen. */
  render: (frame: MonitorFrame) => Promise<void> | void;
  onStats?: (stats: MonitorStats) => void;
}

const RECENT = 60;
export const FRAME_MEASURE = 'emotion-monitor:frame';

/**
 * The live loop: detect faces, crop them, classify them all in one call, show the result. At most
 * one frame is in flight: the next frame is requested only when this one is on screen, so when
 * classification is slower than the camera, frames are skipped rather than queued and the overlay
 * never trails the face.
 */
export class LiveMonitor<V extends VideoSource> {
  private handle: number | undefined;
  private running = false;
  private latencies: number[] = [];
  private shownAt: number[] = [];
  private frames = 0;
  private readonly now: () => number;

  constructor(
    private readonly video: V,
    private readonly deps: MonitorDependencies<V>,
  ) {
    this.now = deps.now ?? (() => performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.video.cancelVideoFrameCallback(this.handle);
    this.handle = undefined;
    this.deps.tracker.reset();
  }

  private schedule(): void {
    if (!this.running) return;
    this.handle = this.video.requestVideoFrameCallback(() => {
      this.handle = undefined;
      void this.processFrame().finally(() => this.schedule());
    });
  }

  /** One frame, from the video to the screen. */
  async processFrame(): Promise<MonitorFrame> {
    const arrived = this.now();
    const { videoWidth: width, videoHeight: height } = this.video;
    // The detector keeps MediaPipe's timestamps growing itself.
    const found = await analyseFrame(this.deps, this.video, { width, height }, arrived);
    if (!this.running) return { faces: [], width, height, detectMs: 0, classifyMs: 0 };
    const frame: MonitorFrame = {
      faces: trackFaces(this.deps.tracker, found),
      width,
      height,
      classifyError: found.classifyError,
      detectMs: found.detectMs,
      classifyMs: found.classifyMs,
      inferenceMs: found.inferenceMs,
    };
    await this.deps.render(frame);
    this.record(arrived, this.now(), frame);
    return frame;
  }

  private record(arrived: number, shown: number, frame: MonitorFrame): void {
    // A User Timing entry per frame: visible in DevTools' performance panel, read by `npm run bench:live`.
    performance.measure(FRAME_MEASURE, {
      start: arrived,
      end: shown,
      detail: {
        faces: frame.faces.length,
        detectMs: frame.detectMs,
        classifyMs: frame.classifyMs,
        inferenceMs: frame.inferenceMs,
      },
    });
    this.frames++;
    // The timeline keeps entries until cleared: bound it for hour-long runs (observers still see every entry).
    if (this.frames % 600 === 0) performance.clearMeasures(FRAME_MEASURE);
    this.latencies.push(shown - arrived);
    if (this.latencies.length > RECENT) this.latencies.shift();
    this.shownAt.push(shown);
    while (this.shownAt.length > 0 && shown - this.shownAt[0] > 1000) this.shownAt.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.deps.onStats?.({
      fps: this.shownAt.length,
      latencyMs: sorted[Math.floor(sorted.length / 2)],
      latencyP95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
      frames: this.frames,
    });
  }
}

/** Hands a frame's classified faces to the tracker, which gives them their ids and smoothed labels. */
export function trackFaces(tracker: FaceTracker, found: FrameFaces): TrackedFace[] {
  return tracker.update(
    found.detections.map((d, i) => ({
      ...d,
      probabilities: found.probabilities?.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES),
    })),
  );
}

/** A frame's classified faces as a recording keeps them: boxes as fractions of the frame. */
export function samplesOf(frame: MonitorFrame): SampleInput[] {
  return frame.faces.flatMap((face) =>
    face.latest
      ? [
          {
            faceId: face.id,
            probabilities: face.latest,
            box: {
              x: face.box.x / frame.width,
              y: face.box.y / frame.height,
              width: face.box.width / frame.width,
              height: face.box.height / frame.height,
            },
          },
        ]
      : [],
  );
}

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
