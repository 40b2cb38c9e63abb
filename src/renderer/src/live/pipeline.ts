import { createFaceDetector, type DetectionSource } from './face-detector';
import { FaceCropper, type FramePipeline } from './monitor';

/** The app's frame pipeline: MediaPipe in this page, crops on a canvas, classification in the ML process. */
export async function createFramePipeline(): Promise<FramePipeline<DetectionSource> & { close(): void }> {
  const detector = await createFaceDetector();
  const cropper = new FaceCropper();
  return {
    detect: (source, timestampMs) => detector.detect(source, timestampMs),
    crop: (source, regions) => cropper.crop(source, regions),
    classify: (faces) => window.api.classifyFaces({ faces }),
    close: () => detector.close(),
  };
}
