import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Box, Point } from './geometry';
import { DETECTION_WIDTH, MIN_DETECTION_CONFIDENCE, TILE_INPUT } from './config';
import { mergeFinds, wholeInTile } from './scan';
import { SCALE_MEASURE, sourceSize, type DetectionSource } from './source';

/** MediaPipe's runtime and the detector model ship with the app (see scripts/face-detector). */
const ASSETS = new URL('./mediapipe/', document.baseURI);

export interface DetectedFace {
  box: Box;
  score: number;
  /** All six of BlazeFace's keypoints in video pixels: right eye, left eye, nose tip, mouth, right ear, left ear. */
  keypoints?: Point[];
}

export interface FrameDetector {
  /**
   * Faces in the whole frame and in each of `tiles` (squares of the frame, see scan.ts), one
   * detection per face. Times that do not grow from call to call (a new file, a photo) are moved
   * on past the last one.
   */
  detect(source: DetectionSource, timestampMs: number, tiles?: readonly Box[]): DetectedFace[];
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
  const tile = document.createElement('canvas');
  tile.width = TILE_INPUT;
  tile.height = TILE_INPUT;
  const tileContext = tile.getContext('2d', { alpha: false });
  if (tileContext) tileContext.imageSmoothingQuality = 'high';
  let scaled = 0;
  let lastTimestamp = -Infinity;
  return {
    detect(frame, requestedTimestampMs, tiles = []) {
      // MediaPipe's VIDEO mode refuses a timestamp that does not grow; one detector serves several inputs.
      const nextTimestamp = () => (lastTimestamp = Math.max(requestedTimestampMs, lastTimestamp + 1));
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
      const frameBox = { x: 0, y: 0, width, height: frameHeight };
      const whole = facesIn(
        detector.detectForVideo(source, nextTimestamp()).detections,
        frameBox,
        sourceSize(source).width,
      );
      if (tiles.length === 0 || !tileContext) return whole;
      const found = [...whole];
      for (const region of tiles) {
        // A video frame costs a readback each time it is drawn: its copy scaled for the whole-frame
        // pass serves a tile that it still holds at three quarters of the detector's input or more.
        const fromCopy = source !== frame && region.width * scale >= TILE_INPUT * 0.75;
        const [from, k] = fromCopy ? [source, scale] : [frame, 1];
        tileContext.drawImage(
          from,
          region.x * k,
          region.y * k,
          region.width * k,
          region.height * k,
          0,
          0,
          TILE_INPUT,
          TILE_INPUT,
        );
        const faces = facesIn(detector.detectForVideo(tile, nextTimestamp()).detections, region, TILE_INPUT);
        found.push(...faces.filter((face) => wholeInTile(face.box, region, width, frameHeight)));
      }
      return mergeFinds(found);
    },
    close: () => detector.close(),
  };
}

type Detection = ReturnType<FaceDetector['detectForVideo']>['detections'][number];

/**
 * MediaPipe's detections of an image `imageWidth` pixels wide that stood for `region` of the frame,
 * in frame pixels. Boxes come in the image's pixels and keypoints normalised to it; BlazeFace's six
 * keypoints start with the subject's right eye, then the left.
 */
function facesIn(detections: Detection[], region: Box, imageWidth: number): DetectedFace[] {
  // The image has the region's proportions: one scale for both axes.
  const scale = region.width / imageWidth;
  const point = (p: { x: number; y: number }): Point => ({
    x: region.x + p.x * region.width,
    y: region.y + p.y * region.height,
  });
  return detections.flatMap((detection) => {
    const box = detection.boundingBox;
    if (!box) return [];
    const keypoints = (detection.keypoints ?? []).map(point);
    return [
      {
        box: {
          x: region.x + box.originX * scale,
          y: region.y + box.originY * scale,
          width: box.width * scale,
          height: box.height * scale,
        },
        score: detection.categories[0]?.score ?? 0,
        ...(keypoints.length === 6 ? { keypoints } : {}),
      },
    ];
  });
}
