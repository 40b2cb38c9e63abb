/**
 * Builds the face detector the renderer loads: BlazeFace short range from the @mediapipe/face_detection
 * npm package (Apache-2.0), with the TFLite metadata MediaPipe Tasks needs added (see tflite-metadata.ts).
 * Deterministic: the same package bytes give the same output bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { attachMetadata, buildImageModelMetadata } from './tflite-metadata';

const require = createRequire(import.meta.url);

export const FACE_DETECTOR_SOURCE = '@mediapipe/face_detection/face_detection_short_range.tflite';
export const FACE_DETECTOR_FILE = 'face_detection_short_range.tflite';

export function buildFaceDetectorModel(
  source: Uint8Array = readFileSync(require.resolve(FACE_DETECTOR_SOURCE)),
): Uint8Array {
  const version = (require('@mediapipe/face_detection/package.json') as { version: string }).version;
  const metadata = buildImageModelMetadata({
    name: 'BlazeFace (short range)',
    description: 'Face detector for faces within about 2 m of the camera; 128x128 RGB input.',
    version: `@mediapipe/face_detection ${version}`,
    author: 'Google LLC (MediaPipe)',
    license: 'Apache License, Version 2.0',
    inputName: 'image',
    // The model takes RGB in [-1, 1].
    mean: 127.5,
    std: 127.5,
  });
  return attachMetadata(source, metadata);
}
