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
import { createFaceDetector, type DetectedFace, type FrameDetector } from '../../src/renderer/src/live/face-detector';
import { alignedFerCrop, ferCrop, iou, uprightSquare, type Box } from '../../src/renderer/src/live/geometry';
import { FaceCropper, type FramePipeline } from '../../src/renderer/src/live/monitor';

export interface Scene {
  /** The face, FACE_PIXELS grey bytes as base64. */
  face: string;
  /** Where its 48x48 square is drawn (before rotation about its centre), and the angle in degrees. */
  x: number;
  y: number;
  side: number;
  degrees: number;
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
  /** The tilt alignment measured, in degrees (0: level, or keypoints not trusted). */
  alignedDegrees?: number;
}

const WIDTH = 640;
const HEIGHT = 480;

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

let detector: FrameDetector | undefined;
const frame = document.createElement('canvas');
frame.width = WIDTH;
frame.height = HEIGHT;
const frameContext = frame.getContext('2d', { willReadFrequently: true })!;
const faceCanvas = document.createElement('canvas');
faceCanvas.width = FACE_SIZE;
faceCanvas.height = FACE_SIZE;
const faceContext = faceCanvas.getContext('2d')!;
const cropper = new FaceCropper();
let timestamp = 0;

/** The face scaled with the same high-quality smoothing a browser gives an upscaled image. */
function drawScene(scene: Scene): void {
  const grey = base64ToBytes(scene.face);
  const pixels = faceContext.createImageData(FACE_SIZE, FACE_SIZE);
  for (let i = 0; i < FACE_PIXELS; i++) pixels.data.set([grey[i], grey[i], grey[i], 255], i * 4);
  faceContext.putImageData(pixels, 0, 0);
  frameContext.fillStyle = 'rgb(128, 128, 128)';
  frameContext.fillRect(0, 0, WIDTH, HEIGHT);
  frameContext.save();
  frameContext.translate(scene.x + scene.side / 2, scene.y + scene.side / 2);
  frameContext.rotate((scene.degrees * Math.PI) / 180);
  frameContext.imageSmoothingQuality = 'high';
  frameContext.drawImage(faceCanvas, -scene.side / 2, -scene.side / 2, scene.side, scene.side);
  frameContext.restore();
}

async function run(scenes: Scene[]): Promise<SceneResult[]> {
  detector ??= await createFaceDetector();
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
      detect: (source, time) => (found = detector!.detect(source, time)),
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
    const best = found
      .map((face, index) => ({ face, index, overlap: iou(face.box, truth) }))
      .sort((a, b) => b.overlap - a.overlap)[0];
    if (!best || best.overlap === 0) {
      results.push({ detections: found.length });
      continue;
    }
    // Crops arrive in calls of up to eight faces, in detection order.
    const call = crops[Math.floor(best.index / MAX_FACES_PER_CALL)];
    const first = (best.index % MAX_FACES_PER_CALL) * FACE_PIXELS;
    const crop = call.slice(first, first + FACE_PIXELS);
    const aligned = alignedFerCrop(best.face, WIDTH, HEIGHT);
    const upright = cropper.crop(frame, [uprightSquare(ferCrop(best.face.box, WIDTH, HEIGHT))]);
    results.push({
      box: best.face.box,
      score: best.face.score,
      detections: found.length,
      crop: bytesToBase64(new Uint8Array(crop.buffer)),
      uprightCrop: bytesToBase64(new Uint8Array(upright.buffer)),
      alignedDegrees: (aligned.angle * 180) / Math.PI,
    });
  }
  return results;
}

(window as unknown as { pipeline: { run: typeof run } }).pipeline = { run };
document.title = 'pipeline ready';
