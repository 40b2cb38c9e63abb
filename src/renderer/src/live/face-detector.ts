import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Box, Point } from './geometry';
import { SCALE_MEASURE } from './monitor';
import { DETECTION_WIDTH, MIN_DETECTION_CONFIDENCE } from './config';

/** MediaPipe's runtime and the detector model ship with the app (see scripts/face-detector). */
const ASSETS = new URL('./mediapipe/', document.baseURI);

export interface DetectedFace {
  box: Box;
  score: number;
  /** BlazeFace's eye keypoints in video pixels (the subject's right eye is on the image's left). */
  rightEye?: Point;
  leftEye?: Point;
}

/** What faces are looked for in: the camera's or a file's video, or a decoded photo. */
export type DetectionSource = HTMLVideoElement | ImageBitmap | HTMLCanvasElement;

/** A source's size in pixels (a video's frame, not its size on screen). */
export function sourceSize(source: DetectionSource): { width: number; height: number } {
  return source instanceof HTMLVideoElement
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };
}

export interface FrameDetector {
  /** Times that do not grow from call to call (a new file, a photo) are moved on past the last one. */
  detect(source: DetectionSource, timestampMs: number): DetectedFace[];
  close(): void;
}

export async function createFaceDetector(minConfidence = MIN_DETECTION_CONFIDENCE): Promise<FrameDetector> {
  const detector = await FaceDetector.createFromOptions(
    {
      wasmLoaderPath: new URL('vision_wasm_internal.js', ASSETS).href,
      wasmBinaryPath: new URL('vision_wasm_internal.wasm', ASSETS).href,
    },
    {
      baseOptions: { modelAssetPath: new URL('face_detection_short_range.tflite', ASSETS).href, delegate: 'CPU' },
      runningMode: 'VIDEO',
      minDetectionConfidence: minConfidence,
    },
  );
  const small = document.createElement('canvas');
  const smallContext = small.getContext('2d', { alpha: false });
  let scaled = 0;
  let lastTimestamp = -Infinity;
  return {
    detect(frame, requestedTimestampMs) {
      // MediaPipe's VIDEO mode refuses a timestamp that does not grow; one detector serves several inputs.
      const timestampMs = Math.max(requestedTimestampMs, lastTimestamp + 1);
      lastTimestamp = timestampMs;
      const { width, height: frameHeight } = sourceSize(frame);
      const scale = width > DETECTION_WIDTH && smallContext ? DETECTION_WIDTH / width : 1;
      let source: DetectionSource = frame;
      if (scale < 1 && smallContext) {
        // Resizing a canvas reallocates it: only when the camera's size changes.
        const height = Math.round(frameHeight * scale);
        if (small.width !== DETECTION_WIDTH || small.height !== height) {
          small.width = DETECTION_WIDTH;
          small.height = height;
        }
        const started = performance.now();
        smallContext.drawImage(frame, 0, 0, small.width, small.height);
        performance.measure(SCALE_MEASURE, { start: started, end: performance.now() });
        // The timeline keeps entries until cleared: bound it (observers still see every entry).
        if (++scaled % 600 === 0) performance.clearMeasures(SCALE_MEASURE);
        source = small;
      }
      return detector.detectForVideo(source, timestampMs).detections.flatMap((detection) => {
        const box = detection.boundingBox;
        if (!box) return [];
        return [
          {
            box: {
              x: box.originX / scale,
              y: box.originY / scale,
              width: box.width / scale,
              height: box.height / scale,
            },
            score: detection.categories[0]?.score ?? 0,
            // Keypoints are normalised to the image the detector saw, which has the frame's proportions.
            ...eyes(detection.keypoints, width, frameHeight),
          },
        ];
      });
    },
    close: () => detector.close(),
  };
}

function eyes(
  keypoints: { x: number; y: number }[] | undefined,
  width: number,
  height: number,
): { rightEye?: Point; leftEye?: Point } {
  // BlazeFace's six keypoints start with the right eye, then the left.
  if (!keypoints || keypoints.length < 2) return {};
  const [right, left] = keypoints;
  return { rightEye: { x: right.x * width, y: right.y * height }, leftEye: { x: left.x * width, y: left.y * height } };
}
