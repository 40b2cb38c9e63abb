import { api } from '../api';
import { SCAN } from './config';
import { createFaceDetector, type DetectedFace, type FrameDetector } from './face-detector';
import { FaceCropper } from './cropper';
import type { FramePipeline } from './frame-analysis';
import { minFaceFor, tilePyramid, TileSweep } from './scan';
import { sourceSize, type DetectionSource } from './source';

/**
 * Face detection at every scale: a photo is looked at in every tile at once; a stream of frames
 * (the camera, a video) in `tilesPerFrame` new tiles a frame plus tiles around at most
 * `followPerFrame` of the small faces it follows, the others standing where they were last found
 * (see scan.ts).
 */
export function detectAtEveryScale(
  detector: FrameDetector,
  tilesPerFrame: number,
  followPerFrame = Infinity,
): (source: DetectionSource, timestampMs: number, still?: boolean) => DetectedFace[] {
  const sweep = new TileSweep<DetectedFace>(tilesPerFrame, followPerFrame);
  return (source, timestampMs, still = false) => {
    const { width, height } = sourceSize(source);
    if (still) return detector.detect(source, timestampMs, tilePyramid(width, height, minFaceFor(width, height, true)));
    const faces = detector.detect(source, timestampMs, sweep.plan(width, height));
    return [...faces, ...sweep.observe(faces, width, height)];
  };
}

/**
 * The app's frame pipeline: MediaPipe in this page, crops on a canvas, classification in the ML
 * process. `live`: frames of a camera, which must keep its rate (a frame of many faces may go to
 * the crowd model, and only a few of its small faces are looked for again each frame); files are
 * analysed with the chosen model, every face looked for in every frame, whatever it costs.
 */
export async function createFramePipeline(
  tilesPerFrame: number,
  { live }: { live: boolean },
): Promise<FramePipeline<DetectionSource> & { close(): void }> {
  const detector = await createFaceDetector();
  const cropper = new FaceCropper();
  return {
    detect: detectAtEveryScale(detector, tilesPerFrame, live ? SCAN.liveFollowPerFrame : Infinity),
    crop: (source, regions) => cropper.crop(source, regions),
    classify: (faces) => api.classifyFaces(live ? { faces, live } : { faces }),
    close: () => detector.close(),
  };
}
