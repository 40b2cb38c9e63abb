import {
  classifyFound,
  findFaces,
  trackFaces,
  type FoundFaces,
  type FrameFaces,
  type FramePipeline,
  type MonitorFrame,
} from '../vision/frame-analysis';
import type { FaceTracker } from '../vision/tracker';
import { errorMessage } from '@shared/errors';

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
  /** A frame that could not be analysed or shown (the loop goes on with the next). */
  onError?: (message: string) => void;
}

const RECENT = 60;
export const FRAME_MEASURE = 'emotion-monitor:frame';

/**
 * The live loop: detect faces, crop them, classify them all in one call, show the result. Finding
 * a frame's faces (this page) and classifying them (the ML process) overlap: the next frame's faces
 * are found and sent while this frame's are classified, and frames are shown in the order they
 * came. At most two frames are in flight, so when classification is slower than the camera, frames
 * are skipped rather than queued and the overlay never trails the face by more than a frame.
 */
export class LiveMonitor<V extends VideoSource> {
  private handle: number | undefined;
  private running = false;
  private latencies: number[] = [];
  private shownAt: number[] = [];
  private frames = 0;
  /** Frames found and not yet shown, and the promise of the last of them on screen. */
  private waiting = 0;
  private shown: Promise<void> = Promise.resolve();
  /** Bumped by stop: a frame found before it is never shown after a new start. */
  private run = 0;
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
    this.run++;
    if (this.handle !== undefined) this.video.cancelVideoFrameCallback(this.handle);
    this.handle = undefined;
    this.deps.tracker.reset();
  }

  private schedule(): void {
    if (!this.running || this.handle !== undefined || this.waiting > 1) return;
    this.handle = this.video.requestVideoFrameCallback(() => {
      this.handle = undefined;
      this.takeFrame();
    });
  }

  /** Finds a frame's faces now, and queues their classification behind the frame before it. */
  private takeFrame(): void {
    const arrived = this.now();
    const size = { width: this.video.videoWidth, height: this.video.videoHeight };
    let found: FoundFaces;
    try {
      // The detector keeps MediaPipe's timestamps growing itself.
      found = findFaces(this.deps, this.video, size, arrived);
    } catch (error) {
      this.deps.onError?.(`Faces could not be found in a frame: ${errorMessage(error)}`);
      this.schedule();
      return;
    }
    this.waiting++;
    const run = this.run;
    // Sent now, not once the frame before is shown: the ML process answers in order, and starts on
    // this frame as soon as it has finished the last, instead of waiting for the page to show it.
    const classified = classifyFound(this.deps, found);
    this.shown = this.shown
      .then(async () => this.showFrame(await classified, arrived, size, run))
      .catch((error: unknown) => this.deps.onError?.(`A frame could not be shown: ${errorMessage(error)}`))
      .finally(() => {
        this.waiting--;
        this.schedule();
      });
    this.schedule();
  }

  /** A found frame's faces classified, tracked and shown. */
  private async showFrame(
    classified: FrameFaces,
    arrived: number,
    { width, height }: { width: number; height: number },
    run: number,
  ): Promise<void> {
    if (run !== this.run) return;
    const frame: MonitorFrame = {
      faces: trackFaces(this.deps.tracker, classified),
      width,
      height,
      classifyError: classified.classifyError,
      detectMs: classified.detectMs,
      cropMs: classified.cropMs,
      classifyMs: classified.classifyMs,
      inferenceMs: classified.inferenceMs,
      model: classified.model,
    };
    const rendering = this.now();
    await this.deps.render(frame);
    const shown = this.now();
    this.record(arrived, shown, frame, shown - rendering);
  }

  private record(arrived: number, shown: number, frame: MonitorFrame, renderMs: number): void {
    // A User Timing entry per frame: visible in DevTools' performance panel, read by `npm run bench:live`.
    performance.measure(FRAME_MEASURE, {
      start: arrived,
      end: shown,
      detail: {
        faces: frame.faces.length,
        detectMs: frame.detectMs,
        cropMs: frame.cropMs,
        classifyMs: frame.classifyMs,
        renderMs,
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
