import { analyseFrame, trackFaces, type FramePipeline, type MonitorFrame } from '../vision/frame-analysis';
import type { FaceTracker } from '../vision/tracker';

/** The parts of a <video> element the monitor uses (a fake one in unit tests). */
export interface VideoSource {
  readonly videoWidth: number;
  readonly videoHeight: number;
  requestVideoFrameCallback(callback: (now: number) => void): number;
  cancelVideoFrameCallback(handle: number): void;
}

export interface MonitorStats {
  /** Overlay updates in the last second. */
  fps: number;
  /** Median and 95th percentile time from a frame's arrival to its overlay on screen, recent frames. */
  latencyMs: number;
  latencyP95Ms: number;
  frames: number;
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
      model: found.model,
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
        model: frame.model,
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
