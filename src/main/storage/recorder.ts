import { DEFAULT_SAMPLES_PER_FACE_PER_SECOND } from '@shared/api';
import { applyBaseline, baselineFactors } from '@shared/baseline';
import { formatDuration } from '@shared/format';
import type { Baseline, BaselineInput, SampleInput, SessionSummary } from '@shared/sessions';
import type { SessionStore, TimedSample } from './session-store';

export interface RecorderOptions {
  /** Samples kept per face per second; frames in between are dropped. */
  samplesPerFacePerSecond?: number;
  /** How often buffered samples are written, in one transaction. */
  flushIntervalMs?: number;
  now?: () => number;
  /** The live model's name: a baseline corrects that model's outputs only (absent: every baseline applies). */
  activeModel?: () => string | undefined;
  /**
   * Samples could not be written (a full disk, say): the recorder has stopped taking them, and
   * every batch written before is kept. Absent: the error is thrown from `flush`.
   */
  onWriteFailure?: (error: unknown) => void;
}

/**
 * Records one session: keeps at most `samplesPerFacePerSecond` samples per face and writes them in
 * batches, so the database sees one transaction a second rather than one per frame. A crash loses
 * at most the batch being buffered.
 */
export class SessionRecorder {
  private buffer: TimedSample[] = [];
  private lastKept = new Map<number, number>();
  /** Per face with a baseline: the factors that calibrate its probabilities, and the model they belong to. */
  private readonly factors = new Map<number, { factors: number[]; model: string }>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly minGapMs: number;
  private readonly now: () => number;
  private readonly activeModel: (() => string | undefined) | undefined;
  private readonly onWriteFailure: ((error: unknown) => void) | undefined;
  /** Set once a write failed: nothing more is taken or written. */
  private failed = false;

  constructor(
    private readonly store: SessionStore,
    readonly session: SessionSummary,
    options: RecorderOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.activeModel = options.activeModel;
    this.onWriteFailure = options.onWriteFailure;
    this.minGapMs = 1000 / (options.samplesPerFacePerSecond ?? DEFAULT_SAMPLES_PER_FACE_PER_SECOND);
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref?.();
  }

  /**
   * Offers the faces of one frame; returns how many were kept. A live session times them by the
   * clock; a file's session by `videoOffsetMs`, the frame's time in the video, which it requires.
   */
  add(faces: readonly SampleInput[], videoOffsetMs?: number): number {
    if (this.failed) return 0;
    if (this.session.source && videoOffsetMs === undefined) {
      throw new Error(`Samples of "${this.session.name}" need their time in the video`);
    }
    if (!this.session.source && videoOffsetMs !== undefined) {
      throw new Error('A live recording times its samples itself');
    }
    const exactMs = videoOffsetMs ?? this.now() - this.session.startedAt;
    const offsetMs = Math.round(exactMs);
    // One sample per face per slot of 1/rate s: an even rate whatever the camera's frame timing.
    // Half a millisecond of slack: a video's frames at k/rate s are stored at whole milliseconds
    // (33 ms for 33.33…), and each must still land in its own slot.
    const slot = Math.floor((exactMs + 0.5) / this.minGapMs);
    let kept = 0;
    const model = this.activeModel?.();
    for (const face of faces) {
      if (this.lastKept.get(face.faceId) === slot) continue;
      this.lastKept.set(face.faceId, slot);
      const calibration = this.factors.get(face.faceId);
      // After the live model changes, another model's baseline would distort its outputs: raw only.
      const factors =
        calibration && (!this.activeModel || calibration.model === model) ? calibration.factors : undefined;
      this.buffer.push({
        ...face,
        offsetMs,
        ...(factors ? { calibrated: applyBaseline(face.probabilities, factors) } : {}),
      });
      kept++;
    }
    return kept;
  }

  /**
   * A participant's neutral baseline, stored with the session; their face's samples from now on
   * are kept calibrated by it as well as raw. A later baseline of the same face replaces it.
   */
  setBaseline(input: BaselineInput): Baseline {
    if (this.session.source) throw new Error('Baselines are taken in the live view, not from a file being analysed');
    const factors = baselineFactors(input.baseline, input.reference, input.strength);
    const baseline = this.store.addBaseline(this.session.id, this.now() - this.session.startedAt, input);
    this.factors.set(input.faceId, { factors, model: input.model });
    return baseline;
  }

  /** A marker now; without text, named after its time as the recording clock shows it. */
  addMarker(text?: string) {
    if (this.session.source) throw new Error('Markers are added to live recordings, not to a file being analysed');
    const offsetMs = this.now() - this.session.startedAt;
    return this.store.addMarker(this.session.id, offsetMs, text?.trim() || `Marker at ${formatDuration(offsetMs)}`);
  }

  flush(): void {
    if (this.failed || this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      // One transaction: a batch is stored whole or not at all.
      this.store.appendSamples(this.session.id, batch);
    } catch (error) {
      if (!this.onWriteFailure) throw error;
      this.failed = true;
      clearInterval(this.timer);
      this.onWriteFailure(error);
    }
  }

  /** Writes what is buffered and closes the session; `incomplete`: its file was not analysed to the end. */
  stop(incomplete = false): SessionSummary {
    clearInterval(this.timer);
    this.flush();
    return this.store.endSession(this.session.id, this.now(), incomplete && this.session.source !== undefined)!;
  }
}
