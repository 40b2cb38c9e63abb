import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Box } from './geometry';

/** MediaPipe's runtime and the detector model ship with the app (see scripts/face-detector). */
const ASSETS = new URL('./mediapipe/', document.baseURI);

export interface DetectedFace {
  box: Box;
  score: number;
}

export interface FrameDetector {
  detect(video: HTMLVideoElement, timestampMs: number): DetectedFace[];
  close(): void;
}

export async function createFaceDetector(minConfidence = 0.5): Promise<FrameDetector> {
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
  return {
    detect(video, timestampMs) {
      return detector.detectForVideo(video, timestampMs).detections.flatMap((detection) => {
        const box = detection.boundingBox;
        if (!box) return [];
        return [
          {
            box: { x: box.originX, y: box.originY, width: box.width, height: box.height },
            score: detection.categories[0]?.score ?? 0,
          },
        ];
      });
    },
    close: () => detector.close(),
  };
}
