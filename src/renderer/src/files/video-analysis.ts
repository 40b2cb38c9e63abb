import type { SampleInput } from '@shared/sessions';
import { analyseFrame, samplesOf, trackFaces, type FramePipeline, type MonitorFrame } from '../vision/frame-analysis';
import type { FaceTracker } from '../vision/tracker';

/** Analysis rates offered, in frames per second of video (30: every frame of most clips). */
export const VIDEO_RATES = [1, 2, 5, 10, 15, 30] as const;

export interface VideoInfo {
  durationMs: number;
  width: number;
  height: number;
}

/** MediaError codes, in words. */
const MEDIA_ERRORS: Record<number, string> = {
  1: 'reading it was aborted',
  2: 'it could not be read',
  3: 'it is damaged or uses a codec this app cannot decode',
  4: 'its format is not one this app can play (WebM, MP4/H.264)',
};

function mediaError(video: HTMLVideoElement, fileName: string): Error {
  const code = video.error?.code ?? 0;
  return new Error(`"${fileName}" cannot be analysed: ${MEDIA_ERRORS[code] ?? 'it could not be decoded'}`);
}

/** Resolves on `event`, rejects with the file's media error on 'error'. */
function once(video: HTMLVideoElement, event: string, fileName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      video.removeEventListener(event, onEvent);
      video.removeEventListener('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => done();
    const onError = () => done(mediaError(video, fileName));
    video.addEventListener(event, onEvent);
    video.addEventListener('error', onError);
  });
}

/**
 * Loads a video file (read in the page as a blob: no path crosses to main) and waits for its first
 * frame. Rejects with a sentence naming the file and the reason: not a video, damaged, no picture.
 */
export async function openVideo(video: HTMLVideoElement, file: File): Promise<VideoInfo> {
  closeVideo(video);
  video.muted = true;
  video.preload = 'auto';
  const loaded = once(video, 'loadeddata', file.name);
  video.src = URL.createObjectURL(file);
  await loaded;
  if (video.videoWidth === 0 || video.videoHeight === 0) {
    throw new Error(`"${file.name}" cannot be analysed: it has no picture`);
  }
  if (!Number.isFinite(video.duration)) {
    // Recordings made in a browser (MediaRecorder WebM) state no length: seeking past the end finds it.
    await seekVideo(video, 1e9, file.name);
    await seekVideo(video, 0, file.name);
  }
  if (!(video.duration > 0 && Number.isFinite(video.duration))) {
    throw new Error(`"${file.name}" cannot be analysed: its length cannot be read`);
  }
  return { durationMs: video.duration * 1000, width: video.videoWidth, height: video.videoHeight };
}

/** Empties the element and frees the file's blob URL. */
export function closeVideo(video: HTMLVideoElement): void {
  if (!video.src) return;
  URL.revokeObjectURL(video.src);
  video.removeAttribute('src');
  video.load();
}

/**
 * Shows the frame at `seconds`; resolves with the video's time once it can be drawn. Seeking, not
 * playing: every frame wanted is analysed, exactly at its time. (Tried: playing to each frame and
 * pausing on it spent 40 ms a frame waiting for the next presented frame and skipped 17% of the
 * frames of a 30 fps clip; a seek costs 21 ms at 640x480, 50 at 1280x720, decoding from the last keyframe.)
 */
export async function seekVideo(video: HTMLVideoElement, seconds: number, fileName: string): Promise<number> {
  const seeked = once(video, 'seeked', fileName);
  video.currentTime = seconds;
  await seeked;
  return video.currentTime;
}

export interface VideoProgress {
  /** Video time analysed so far, and the file's length. */
  analysedMs: number;
  durationMs: number;
  frames: number;
  elapsedMs: number;
  /** Estimated from the pace so far; undefined until the first frame is done. */
  remainingMs?: number;
  /** Where the time went so far: seeking (decoding) the frames, detecting and classifying faces. */
  seekMs: number;
  detectMs: number;
  classifyMs: number;
}

export interface VideoAnalysisDependencies<S> {
  pipeline: FramePipeline<S>;
  /**
   * Shows the first frame at or after a time (in seconds); resolves with its own time once it can
   * be drawn, or undefined when the video has no frame that late.
   */
  frameAt: (seconds: number) => Promise<number | undefined>;
  tracker: FaceTracker;
  /** Keeps a frame's faces in the session at their time in the video; awaited, so none is lost. */
  record: (faces: SampleInput[], offsetMs: number) => Promise<unknown>;
  render: (frame: MonitorFrame) => Promise<void> | void;
  onProgress: (progress: VideoProgress) => void;
  now?: () => number;
}

/**
 * Analyses a video at `framesPerSecond` of video time, as fast as the machine allows (not in real
 * time): seek, detect, classify, track, show, record. Stops early when `signal` aborts; a frame whose
 * faces cannot be classified stops it with that error, so a session never has silent gaps.
 * Resolves with the frames analysed and whether the whole video was.
 */
export async function analyseVideo<S extends { readonly videoWidth: number; readonly videoHeight: number }>(
  video: S,
  durationMs: number,
  framesPerSecond: number,
  deps: VideoAnalysisDependencies<S>,
  signal: AbortSignal,
): Promise<{ frames: number; completed: boolean }> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const stepMs = 1000 / framesPerSecond;
  deps.tracker.reset();
  const spent = { seekMs: 0, detectMs: 0, classifyMs: 0 };
  let frames = 0;
  for (let wantedMs = 0; wantedMs < durationMs;) {
    if (signal.aborted) return { frames, completed: false };
    const seeking = now();
    const at = await deps.frameAt(wantedMs / 1000);
    spent.seekMs += now() - seeking;
    if (at === undefined) break; // the last frame came before the stated end
    if (signal.aborted) return { frames, completed: false };
    const offsetMs = at * 1000;
    const size = { width: video.videoWidth, height: video.videoHeight };
    const found = await analyseFrame(deps.pipeline, video, size, offsetMs);
    if (found.classifyError) {
      throw new Error(`The faces at ${(offsetMs / 1000).toFixed(1)} s could not be classified: ${found.classifyError}`);
    }
    spent.detectMs += found.detectMs;
    spent.classifyMs += found.classifyMs;
    const shown: MonitorFrame = {
      faces: trackFaces(deps.tracker, found),
      ...size,
      detectMs: found.detectMs,
      classifyMs: found.classifyMs,
      inferenceMs: found.inferenceMs,
    };
    const samples = samplesOf(shown);
    if (samples.length > 0) await deps.record(samples, offsetMs);
    await deps.render(shown);
    frames++;
    // The next wanted time is one step on, or past this frame's if it came later than asked.
    wantedMs = Math.max(wantedMs + stepMs, (Math.floor(offsetMs / stepMs + 1e-6) + 1) * stepMs);
    const analysedMs = Math.min(durationMs, wantedMs);
    const elapsedMs = now() - started;
    deps.onProgress({
      analysedMs,
      durationMs,
      frames,
      elapsedMs,
      remainingMs: (elapsedMs / analysedMs) * (durationMs - analysedMs),
      ...spent,
    });
  }
  return { frames, completed: true };
}

const VIDEO_EXTENSIONS = /\.(webm|mp4|m4v|mkv|mov|ogv)$/i;

/** Whether a chosen or dropped file is meant as a video (by its type, or its name when the type is unknown). */
export function isVideoFile(file: File): boolean {
  return file.type.startsWith('video/') || VIDEO_EXTENSIONS.test(file.name);
}
