/** Recorded sessions, as the storage layer returns them and the History view shows them. */
import type { Emotion } from './emotions';

/** A face box as fractions of the frame (0..1), so it does not depend on the camera's resolution. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SampleInput {
  faceId: number;
  /** NUM_CLASSES probabilities in EMOTIONS order. */
  probabilities: number[];
  box: FaceBox;
}

/** A recorded file a session was analysed from (live sessions have none). */
export interface SessionSource {
  kind: 'video';
  /** The file's name, without its folder (the path never leaves the renderer). */
  fileName: string;
  /** The file's length; sample offsets are times in the video. */
  durationMs: number;
}

/** A recording that stopped by itself: which, and the sentence that tells the user why and what is kept. */
export interface RecordingHalt {
  sessionId: number;
  message: string;
}

export interface SessionSummary {
  id: number;
  name: string;
  /** ms since the Unix epoch. */
  startedAt: number;
  /** Undefined while the session is being recorded. */
  endedAt?: number;
  /** The app stopped before the session was: it was closed at its last sample. */
  interrupted: boolean;
  camera?: string;
  /** Set for a session analysed from a file. */
  source?: SessionSource;
  /** The analysis of its file stopped (cancelled, failed, the app closed) before the end. */
  incomplete: boolean;
  model?: string;
  notes: string;
  /** Wall time for live sessions; for a file, its length (or the part analysed, when incomplete). */
  durationMs: number;
  samples: number;
  faces: number;
  /** The emotion that was on top most often, if any sample was recorded. */
  dominant?: Emotion;
}

export interface SessionFilter {
  /** Part of the name, any case. */
  query?: string;
  /** Sessions started in [from, to), ms since the epoch. */
  from?: number;
  to?: number;
}

export interface Marker {
  id: number;
  sessionId: number;
  offsetMs: number;
  text: string;
}

/** Mean probabilities over one time bucket. */
export interface TimelineBucket {
  offsetMs: number;
  probabilities: number[];
  /** Means of the samples' valence and arousal (src/shared/affect.ts). */
  valence: number;
  arousal: number;
  samples: number;
}

export interface EmotionShare {
  emotion: Emotion;
  /** Share of samples on which this emotion was on top. */
  timeShare: number;
  meanProbability: number;
}

/**
 * A part of a session between two markers (or the start and the first marker, the last marker and
 * the end): its statistics over all faces, or one.
 */
export interface SegmentSummary {
  /** The marker it starts at; undefined for the part before the first marker. */
  markerId?: number;
  /** The marker's text, or "Start". */
  label: string;
  startMs: number;
  endMs: number;
  samples: number;
  /** The emotion on top most often; undefined without samples. */
  dominant?: Emotion;
  /** Per emotion (EMOTIONS order), the share of samples it was on top of. */
  timeShares: number[];
  /** Means over the segment's samples; undefined without samples. */
  valence?: number;
  arousal?: number;
}

/** One face of a session: its name if given, and its statistics. */
export interface FaceSummary {
  faceId: number;
  name?: string;
  samples: number;
  /** Seconds of the session in which the face was seen at least once. */
  secondsInView: number;
  dominant?: Emotion;
  timeShares: number[];
  meanProbabilities: number[];
  valence: number;
  arousal: number;
}

/** Faces seen for less than this share one compact lane in History: people passing by, or a face numbered anew. */
export const BRIEF_FACE_SECONDS = 3;

/** The most buckets one read of a zoomed stretch may ask for (getTimeline): a few screens of points. */
export const MAX_STRETCH_BUCKETS = 10_000;

/** A face's own timeline, for History's lanes. */
export interface FaceLane {
  faceId: number;
  timeline: TimelineBucket[];
}

/** Which probabilities a view of a session reads: the model's own, or those corrected by baselines. */
export type SampleValues = 'raw' | 'calibrated';

/** A participant's neutral baseline (src/shared/baseline.ts), as the live view takes it. */
export interface BaselineInput {
  faceId: number;
  /** The mean distribution of their resting face, EMOTIONS order. */
  baseline: number[];
  /** The model's mean distribution on neutral faces in general, which the baseline is matched to. */
  reference: number[];
  /** From 0 (no correction) to 1 (full). */
  strength: number;
  /** How many frames of the face the baseline is the mean of. */
  frames: number;
  /** The model it was measured with: it corrects that model's outputs and no other's. */
  model: string;
}

/** A baseline stored with a session: in force for its face from `offsetMs` on. */
export interface Baseline extends BaselineInput {
  id: number;
  sessionId: number;
  offsetMs: number;
}
