/**
 * The page half of `npm run bench:pipeline`: the live view's own detector, FER framing and cropper
 * (imported from the renderer, unchanged) run on scenes that the bench describes: a FER2013 face
 * drawn at a size, position and rotation on a grey frame, as a webcam would show it.
 */
import { FACE_PIXELS, FACE_SIZE } from '../../src/shared/emotions';
import { createFaceDetector, type FrameDetector } from '../../src/renderer/src/live/face-detector';
import { alignedFerCrop, ferCrop, iou, uprightSquare, type Box } from '../../src/renderer/src/live/geometry';
import { FaceCropper } from '../../src/renderer/src/live/monitor';

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
// The detector reads a video's size to scale 640-wide frames to its detection width, as it does live.
Object.defineProperties(frame, { videoWidth: { value: WIDTH }, videoHeight: { value: HEIGHT } });
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
  return scenes.map((scene) => {
    drawScene(scene);
    // A canvas with a video's size fields stands in for the camera's video element.
    const found = detector!.detect(frame as unknown as HTMLVideoElement, (timestamp += 33));
    const truth = { x: scene.x, y: scene.y, width: scene.side, height: scene.side };
    const best = found
      .map((face) => ({ face, overlap: iou(face.box, truth) }))
      .sort((a, b) => b.overlap - a.overlap)[0];
    if (!best || best.overlap === 0) return { detections: found.length };
    const aligned = alignedFerCrop(best.face, WIDTH, HEIGHT);
    const box = ferCrop(best.face.box, WIDTH, HEIGHT);
    const [crop, upright] = [cropper.crop(frame, [aligned]), cropper.crop(frame, [uprightSquare(box)])];
    return {
      box: best.face.box,
      score: best.face.score,
      detections: found.length,
      crop: bytesToBase64(new Uint8Array(crop.buffer)),
      uprightCrop: bytesToBase64(new Uint8Array(upright.buffer)),
      alignedDegrees: (aligned.angle * 180) / Math.PI,
    };
  });
}

(window as unknown as { pipeline: { run: typeof run } }).pipeline = { run };
document.title = 'pipeline ready';
