/**
 * The page half of `npm run bench:pipeline`: scenes that the bench describes (a FER2013 face drawn
 * at a size, position and rotation on a grey frame) saved as PNG files and run through the app's
 * photo analysis (`analysePhoto`: decoding, the detector, FER framing turned level, the cropper, all
 * imported from the renderer unchanged). Its classification step hands the crops back here, for
 * the bench to classify in Node.
 */
import { MAX_FACES_PER_CALL } from '../../src/shared/api';
import { FACE_PIXELS, FACE_SIZE, NUM_CLASSES } from '../../src/shared/emotions';
import { analysePhoto } from '../../src/renderer/src/files/photo-analysis';
import { createFaceDetector, type DetectedFace } from '../../src/renderer/src/vision/face-detector';
import { alignedFerCrop, ferCrop, iou, uprightSquare, type Box } from '../../src/renderer/src/vision/geometry';
import { FaceCropper } from '../../src/renderer/src/vision/cropper';
import type { FramePipeline } from '../../src/renderer/src/vision/frame-analysis';
import { detectAtEveryScale } from '../../src/renderer/src/vision/pipeline';

export interface Scene {
  /** The face, FACE_PIXELS grey bytes as base64. */
  face: string;
  /** Where its 48x48 square is drawn (before rotation about its centre), and the angle in degrees. */
  x: number;
  y: number;
  side: number;
  degrees: number;
  frameWidth: number;
  frameHeight: number;
}

export interface SceneResult {
  /** The detection that overlaps the drawn face most, if any overlaps it. */
  box?: Box;
  score?: number;
  detections: number;
  /** The model input the live view makes of it (turned to level the eyes): FACE_PIXELS floats as base64. */
  crop?: string;
  /** The same face cropped upright, as before alignment. */
  uprightCrop?: string;

  /** BlazeFace's six keypoints of it, in frame pixels. */
  keypoints?: { x: number; y: number }[];
  /** The tilt alignment measured, in degrees (0: level, or keypoints not trusted). */
  alignedDegrees?: number;
  /** The cropper's model input for the drawn square itself (no detector, no framing), as base64 floats. */
  truthCrop: string;
  /** How close that crop is to the dataset face it was drawn from, in dB; and the browser's own scaled draw's. */
  psnr: number;
  psnrCanvas: number;
}

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

let detect: FramePipeline<ImageBitmap>['detect'] | undefined;
const frame = document.createElement('canvas');
const frameContext = frame.getContext('2d', { willReadFrequently: true })!;
/**
 * Pixels of surroundings drawn on each side of a 48 px face, its edge pixels repeated (as training
 * augmentation pads a face it zooms out of): a crop somewhat larger than FER2013's square then
 * shows what a camera would show around a face, not a flat grey border no face ever has.
 */
const PAD = 12;
const PADDED = FACE_SIZE + 2 * PAD;
const faceCanvas = document.createElement('canvas');
faceCanvas.width = PADDED;
faceCanvas.height = PADDED;
const faceContext = faceCanvas.getContext('2d')!;
const scratch = document.createElement('canvas');
scratch.width = FACE_SIZE;
scratch.height = FACE_SIZE;
const scratchContext = scratch.getContext('2d', { willReadFrequently: true })!;
const cropper = new FaceCropper();
let timestamp = 0;

const grey = (scene: Scene) => base64ToBytes(scene.face);

/** The face, padded, scaled with the high-quality smoothing a browser gives an upscaled image. */
function drawScene(scene: Scene): void {
  if (frame.width !== scene.frameWidth || frame.height !== scene.frameHeight) {
    frame.width = scene.frameWidth;
    frame.height = scene.frameHeight;
  }
  const face = grey(scene);
  const pixels = faceContext.createImageData(PADDED, PADDED);
  const clamp = (v: number) => Math.min(Math.max(v - PAD, 0), FACE_SIZE - 1);
  for (let y = 0; y < PADDED; y++)
    for (let x = 0; x < PADDED; x++) {
      const value = face[clamp(y) * FACE_SIZE + clamp(x)];
      pixels.data.set([value, value, value, 255], (y * PADDED + x) * 4);
    }
  faceContext.putImageData(pixels, 0, 0);
  frameContext.fillStyle = 'rgb(128, 128, 128)';
  frameContext.fillRect(0, 0, frame.width, frame.height);
  frameContext.save();
  frameContext.translate(scene.x + scene.side / 2, scene.y + scene.side / 2);
  frameContext.rotate((scene.degrees * Math.PI) / 180);
  frameContext.imageSmoothingQuality = 'high';
  const drawn = (scene.side * PADDED) / FACE_SIZE;
  frameContext.drawImage(faceCanvas, -drawn / 2, -drawn / 2, drawn, drawn);
  frameContext.restore();
}

/** Peak signal-to-noise ratio of a crop (floats in [0, 1]) against the dataset face (bytes). */
function psnr(crop: Float32Array, face: Uint8Array): number {
  let squared = 0;
  for (let i = 0; i < FACE_PIXELS; i++) squared += (crop[i] - face[i] / 255) ** 2;
  return 10 * Math.log10(1 / Math.max(squared / FACE_PIXELS, 1e-10));
}

/** The drawn square scaled to 48x48 by the browser's own drawImage (high quality), for comparison. */
function canvasCrop(scene: Scene): Float32Array {
  scratchContext.save();
  scratchContext.imageSmoothingQuality = 'high';
  scratchContext.translate(FACE_SIZE / 2, FACE_SIZE / 2);
  scratchContext.scale(FACE_SIZE / scene.side, FACE_SIZE / scene.side);
  scratchContext.rotate((-scene.degrees * Math.PI) / 180);
  scratchContext.translate(-(scene.x + scene.side / 2), -(scene.y + scene.side / 2));
  scratchContext.drawImage(frame, 0, 0);
  scratchContext.restore();
  const { data } = scratchContext.getImageData(0, 0, FACE_SIZE, FACE_SIZE);
  return Float32Array.from({ length: FACE_PIXELS }, (_, i) => data[4 * i] / 255);
}

async function run(scenes: Scene[]): Promise<SceneResult[]> {
  detect ??= detectAtEveryScale(await createFaceDetector(), 0);
  const results: SceneResult[] = [];
  for (const scene of scenes) {
    drawScene(scene);
    const blob = await new Promise<Blob>((resolve, reject) =>
      frame.toBlob((png) => (png ? resolve(png) : reject(new Error('no PNG'))), 'image/png'),
    );
    // The photo pipeline, with its classification step keeping the crops (and its detections) instead.
    let found: DetectedFace[] = [];
    const crops: Float32Array[] = [];
    const pipeline: FramePipeline<ImageBitmap> = {
      detect: (source, time, still) => (found = detect!(source, time, still)),
      crop: (source, regions) => cropper.crop(source, regions),
      classify: async (faces) => {
        crops.push(faces.slice());
        return {
          probabilities: new Float32Array((faces.length / FACE_PIXELS) * NUM_CLASSES),
          model: '',
          inferenceMs: 0,
        };
      },
    };
    const photo = await analysePhoto(new File([blob], 'scene.png', { type: 'image/png' }), pipeline, (timestamp += 33));
    if (photo.error) throw new Error(photo.error);
    const truth = { x: scene.x, y: scene.y, width: scene.side, height: scene.side };
    const truthSquare = {
      centreX: scene.x + scene.side / 2,
      centreY: scene.y + scene.side / 2,
      side: scene.side,
      angle: (scene.degrees * Math.PI) / 180,
    };
    const truthCrop = cropper.crop(frame, [truthSquare]);
    const fidelity = {
      truthCrop: bytesToBase64(new Uint8Array(truthCrop.buffer)),
      psnr: psnr(truthCrop, grey(scene)),
      psnrCanvas: psnr(canvasCrop(scene), grey(scene)),
    };
    const best = found
      .map((face, index) => ({ face, index, overlap: iou(face.box, truth) }))
      .sort((a, b) => b.overlap - a.overlap)[0];
    if (!best || best.overlap === 0) {
      results.push({ detections: found.length, ...fidelity });
      continue;
    }
    // Crops arrive in calls of up to eight faces, in detection order.
    const call = crops[Math.floor(best.index / MAX_FACES_PER_CALL)];
    const first = (best.index % MAX_FACES_PER_CALL) * FACE_PIXELS;
    const crop = call.slice(first, first + FACE_PIXELS);
    const aligned = alignedFerCrop(best.face, frame.width, frame.height);
    const upright = cropper.crop(frame, [uprightSquare(ferCrop(best.face.box, frame.width, frame.height))]);
    results.push({
      box: best.face.box,
      keypoints: best.face.keypoints,
      score: best.face.score,
      detections: found.length,
      crop: bytesToBase64(new Uint8Array(crop.buffer)),
      uprightCrop: bytesToBase64(new Uint8Array(upright.buffer)),
      alignedDegrees: (aligned.angle * 180) / Math.PI,
      ...fidelity,
    });
  }
  return results;
}

(window as unknown as { pipeline: { run: typeof run } }).pipeline = { run };
document.title = 'pipeline ready';
