import { applyBaseline, baselineFactors, meanDistribution } from '@shared/baseline';
import { EMOTIONS, topEmotionIndex } from '@shared/emotions';
import type { BaselineInput } from '@shared/sessions';
import { CALIBRATION_MS, MIN_BASELINE_FRAMES } from './config';
import type { MonitorFrame } from '../vision/frame-analysis';
import type { TrackedFace } from '../vision/tracker';

export type CaptureStep =
  { state: 'capturing'; progress: number; frames: number } | { state: 'done'; baseline: number[]; frames: number };

/**
 * Takes one face's neutral baseline: the mean of its raw per-frame probabilities over
 * CALIBRATION_MS of frames. Frames without the face (or not yet classified) do not count; when
 * the time is up with too few of them, `offer` throws, saying why.
 */
export class BaselineCapture {
  private readonly seen: number[][] = [];
  private startedAt: number | undefined;

  constructor(
    readonly faceId: number,
    private readonly durationMs = CALIBRATION_MS,
  ) {}

  /** Offers the frame shown at `nowMs`; the baseline once the time is up. */
  offer(frame: MonitorFrame, nowMs: number): CaptureStep {
    this.startedAt ??= nowMs;
    const face = frame.faces.find((candidate) => candidate.id === this.faceId);
    if (face?.latest) this.seen.push(face.latest);
    const elapsed = nowMs - this.startedAt;
    if (elapsed < this.durationMs) {
      return { state: 'capturing', progress: elapsed / this.durationMs, frames: this.seen.length };
    }
    if (this.seen.length < MIN_BASELINE_FRAMES) {
      throw new Error(
        `Face #${this.faceId} was seen in ${this.seen.length} frame${this.seen.length === 1 ? '' : 's'} of ` +
          `${this.durationMs / 1000} s, too few for a baseline: keep the face in view and try again`,
      );
    }
    return { state: 'done', baseline: meanDistribution(this.seen), frames: this.seen.length };
  }
}

/**
 * The baselines that still apply once `model` is live, and those measured with another model
 * (a baseline corrects its own model's outputs: on another model's it would distort them).
 */
export function baselinesFor(
  baselines: Readonly<Record<number, BaselineInput>>,
  model: string,
): { kept: Record<number, BaselineInput>; dropped: BaselineInput[] } {
  const all = Object.values(baselines);
  return {
    kept: Object.fromEntries(all.filter((b) => b.model === model).map((b) => [b.faceId, b])),
    dropped: all.filter((b) => b.model !== model),
  };
}

/** What the live view says when a model switch drops baselines. */
export function droppedBaselinesNotice(dropped: readonly BaselineInput[], model: string): string {
  const faces = dropped.map((b) => `#${b.faceId}`).join(', ');
  const models = [...new Set(dropped.map((b) => `“${b.model}”`))].join(' and ');
  const one = dropped.length === 1;
  return (
    `The live model is now “${model}”: the baseline${one ? '' : 's'} of face${one ? '' : 's'} ${faces}, ` +
    `taken with ${models}, no longer appl${one ? 'ies' : 'y'}. Calibrate again to correct this model's readings.`
  );
}

/** The faces of a frame as the overlay shows them: calibrated by their baseline where they have one. */
export function calibrateFrame(frame: MonitorFrame, baselines: Readonly<Record<number, BaselineInput>>): MonitorFrame {
  if (!frame.faces.some((face) => baselines[face.id])) return frame;
  return { ...frame, faces: frame.faces.map((face) => calibrateFace(face, baselines[face.id])) };
}

function calibrateFace(face: TrackedFace, baseline: BaselineInput | undefined): TrackedFace {
  if (!baseline || !face.probabilities) return face;
  const probabilities = applyBaseline(
    face.probabilities,
    baselineFactors(baseline.baseline, baseline.reference, baseline.strength),
  );
  const top = topEmotionIndex(probabilities);
  return { ...face, probabilities, top: { emotion: EMOTIONS[top], confidence: probabilities[top] } };
}
