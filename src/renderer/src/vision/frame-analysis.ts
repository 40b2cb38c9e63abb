import { MAX_FACES_PER_CALL, MAX_FACES_PER_FRAME, type ClassifyResult } from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { errorMessage } from '@shared/errors';
import type { SampleInput } from '@shared/sessions';
import type { DetectedFace } from './face-detector';
import { alignedFerCrop, type RotatedSquare } from './geometry';
import type { FaceTracker, TrackedFace } from './tracker';

/**
 * A frame's way to its faces' emotions, the same for the camera, a video file and a photo: detect,
 * crop (framed as FER2013 is), classify, track.
 */

export interface MonitorFrame {
  faces: TrackedFace[];
  width: number;
  height: number;
  /** Set when this frame's faces could not be classified. */
  classifyError?: string;
  detectMs: number;
  /** Cutting the faces' 48x48 crops out of the frame. */
  cropMs?: number;
  /** Round trip of the classification call, and the part of it spent in the ML process. */
  classifyMs: number;
  inferenceMs?: number;
  /** The model that classified the faces (the crowd model, for a camera frame of many). */
  model?: string;
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
  cropMs?: number;
  /** Round trip of the classification calls, and the part of it spent in the ML process. */
  classifyMs: number;
  inferenceMs?: number;
  model?: string;
}

/** A frame's faces found and cropped, not yet classified. */
export interface FoundFaces {
  detections: DetectedFace[];
  /** FACE_PIXELS per detection, in their order. */
  crops: Float32Array;
  detectMs: number;
  cropMs: number;
}

/**
 * Detects the faces of one frame (at most `maxFaces`; `still` for a photo) and crops them, framed
 * as FER2013 is. Synchronous: the crops are taken from the frame as it is now.
 */
export function findFaces<S>(
  pipeline: FramePipeline<S>,
  source: S,
  size: { width: number; height: number },
  timestampMs: number,
  { maxFaces = MAX_FACES_PER_FRAME, still = false }: { maxFaces?: number; still?: boolean } = {},
): FoundFaces {
  const now = pipeline.now ?? (() => performance.now());
  const started = now();
  const detections = pipeline.detect(source, timestampMs, still).slice(0, maxFaces);
  const detected = now();
  const crops =
    detections.length === 0
      ? new Float32Array(0)
      : pipeline.crop(
          source,
          detections.map((d) => alignedFerCrop(d, size.width, size.height)),
        );
  return { detections, crops, detectMs: detected - started, cropMs: now() - detected };
}

/**
 * Classifies found faces in calls of MAX_FACES_PER_CALL faces. A failed classification is
 * reported, not thrown: the faces still show.
 */
export async function classifyFound<S>(pipeline: FramePipeline<S>, found: FoundFaces): Promise<FrameFaces> {
  const { detections, crops, detectMs, cropMs } = found;
  const result: FrameFaces = { detections, detectMs, cropMs, classifyMs: 0 };
  if (detections.length === 0) return result;
  const now = pipeline.now ?? (() => performance.now());
  const started = now();
  try {
    const probabilities = new Float32Array(detections.length * NUM_CLASSES);
    let inferenceMs = 0;
    let model: string | undefined;
    for (let first = 0; first < detections.length; first += MAX_FACES_PER_CALL) {
      const last = Math.min(detections.length, first + MAX_FACES_PER_CALL);
      const answer = await pipeline.classify(crops.subarray(first * FACE_PIXELS, last * FACE_PIXELS));
      probabilities.set(answer.probabilities, first * NUM_CLASSES);
      inferenceMs += answer.inferenceMs;
      model = answer.model;
    }
    Object.assign(result, { probabilities, inferenceMs, model });
  } catch (error) {
    result.classifyError = errorMessage(error);
  }
  result.classifyMs = now() - started;
  return result;
}

/** One frame's faces, found, cropped and classified (see findFaces and classifyFound). */
export async function analyseFrame<S>(
  pipeline: FramePipeline<S>,
  source: S,
  size: { width: number; height: number },
  timestampMs: number,
  options: { maxFaces?: number; still?: boolean } = {},
): Promise<FrameFaces> {
  return classifyFound(pipeline, findFaces(pipeline, source, size, timestampMs, options));
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
