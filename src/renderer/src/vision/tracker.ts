import { EMOTIONS, NUM_CLASSES, topEmotionIndex, type Emotion } from '@shared/emotions';
import { iou, type Box } from './geometry';
import { TRACKER } from './config';

export interface TrackedFace {
  /** Stable across frames while the face stays in view. */
  id: number;
  /** Detector box, lightly smoothed so the overlay does not jitter. */
  box: Box;
  /** Detector confidence for this frame. */
  score: number;
  /** Mean of the last `window` classifications; undefined until the face is first classified. */
  probabilities?: number[];
  /** This frame's own classification, unsmoothed (what a recording keeps). */
  latest?: number[];
  top?: { emotion: Emotion; confidence: number };
}

export interface Detection {
  box: Box;
  score: number;
  /** NUM_CLASSES probabilities, or undefined when this frame's classification failed. */
  probabilities?: ArrayLike<number>;
}

export interface TrackerOptions {
  /** Frames averaged per face for its label (1 = no smoothing). */
  window: number;
  /** Least box overlap (IoU) for a detection to continue a face of the previous frames. */
  minOverlap?: number;
  /** Frames a face may go unseen and keep its identity (detectors miss the odd frame). */
  maxMissed?: number;
  /** Weight of the new box against the smoothed one, 0..1 (1 = no box smoothing). */
  boxFollow?: number;
}

interface Track {
  id: number;
  box: Box;
  history: number[][];
  missed: number;
}

/**
 * Keeps each face's identity across frames by box overlap, and smooths its label over a short
 * window so it does not flicker from frame to frame.
 */
export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;

  constructor(private options: TrackerOptions) {}

  setWindow(window: number): void {
    this.options = { ...this.options, window };
  }

  reset(): void {
    this.tracks = [];
  }

  /** Takes one frame's detections; returns the faces of this frame, in the detections' order. */
  update(detections: readonly Detection[]): TrackedFace[] {
    const minOverlap = this.options.minOverlap ?? TRACKER.minOverlap;
    const follow = this.options.boxFollow ?? TRACKER.boxFollow;
    // Greedy matching, best overlaps first: faces are few, and rarely overlap one another.
    const pairs: { track: Track; detection: number; overlap: number }[] = [];
    for (const track of this.tracks) {
      detections.forEach((d, detection) => {
        const overlap = iou(track.box, d.box);
        if (overlap >= minOverlap) pairs.push({ track, detection, overlap });
      });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const trackOf = new Map<number, Track>();
    const overlapOf = new Map<number, number>();
    const used = new Set<Track>();
    for (const { track, detection, overlap } of pairs) {
      if (used.has(track) || trackOf.has(detection)) continue;
      // After a gap the face must be found where it was: a newcomer at about that spot is a new face.
      if (track.missed > 0 && overlap < TRACKER.minOverlapAfterGap) continue;
      used.add(track);
      trackOf.set(detection, track);
      overlapOf.set(detection, overlap);
    }

    const faces = detections.map((detection, index): TrackedFace => {
      let track = trackOf.get(index);
      if (track) {
        // A jump is shown as a jump: a box sliding over several frames would cross its neighbours.
        const jumped = overlapOf.get(index)! < TRACKER.snapBelowOverlap;
        track.box = jumped ? detection.box : blend(track.box, detection.box, follow);
        track.missed = 0;
      } else {
        track = { id: this.nextId++, box: detection.box, history: [], missed: 0 };
        this.tracks.push(track);
        used.add(track);
      }
      if (detection.probabilities) {
        track.history.push(Array.from(detection.probabilities));
        if (track.history.length > this.options.window)
          track.history.splice(0, track.history.length - this.options.window);
      }
      const latest = detection.probabilities ? track.history[track.history.length - 1] : undefined;
      return { id: track.id, box: track.box, score: detection.score, latest, ...summarise(track.history) };
    });

    for (const track of this.tracks) if (!used.has(track)) track.missed++;
    this.tracks = this.tracks.filter((track) => track.missed <= (this.options.maxMissed ?? TRACKER.maxMissed));
    return faces;
  }
}

function blend(previous: Box, next: Box, follow: number): Box {
  const mix = (a: number, b: number) => a + (b - a) * follow;
  return {
    x: mix(previous.x, next.x),
    y: mix(previous.y, next.y),
    width: mix(previous.width, next.width),
    height: mix(previous.height, next.height),
  };
}

function summarise(history: number[][]): Pick<TrackedFace, 'probabilities' | 'top'> {
  if (history.length === 0) return {};
  const probabilities = new Array<number>(NUM_CLASSES).fill(0);
  for (const row of history) for (let c = 0; c < NUM_CLASSES; c++) probabilities[c] += row[c] / history.length;
  const best = topEmotionIndex(probabilities);
  return { probabilities, top: { emotion: EMOTIONS[best], confidence: probabilities[best] } };
}
