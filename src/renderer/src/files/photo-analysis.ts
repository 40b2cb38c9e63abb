import { NUM_CLASSES } from '@shared/emotions';
import { MAX_FACES_PER_PHOTO, type PhotoResult } from '@shared/photos';
import { analyseFrame, type FramePipeline } from '../vision/frame-analysis';
import { minFaceFor } from '../vision/scan';
import { errorMessage } from '@shared/errors';

/** What the browser is asked to decode; the file's type is not trusted, its bytes decide. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/bmp'];

/** Why a photo may show no face, and what to do: the smallest face looked for in a photo of this size. */
export function noFaceAdvice(width: number, height: number): string {
  const smallest = Math.round(minFaceFor(width, height, true));
  return (
    `No face found. Faces narrower than about ${smallest} px are too small to find in a ${width}×${height} photo: ` +
    'crop closer to the face and add the crop, or use a photo where the face looks towards the camera.'
  );
}

const PHOTO_EXTENSIONS = /\.(jpe?g|png|webp|bmp)$/i;

/** Decodes a photo file, or says in a sentence which file it is, why it cannot be read and what can. */
export async function decodePhoto(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch {
    if (file.type.startsWith('image/') || PHOTO_EXTENSIONS.test(file.name)) {
      throw new Error(`"${file.name}" cannot be read: it is damaged, or not really a JPEG, PNG, WebP or BMP image`);
    }
    throw new Error(
      `"${file.name}" is not a photo or a video: the app analyses JPEG, PNG, WebP and BMP photos, ` +
        'and WebM, MP4, MKV, MOV and OGV videos',
    );
  }
}

/**
 * One photo through the live pipeline: faces found on a scaled copy, cropped from the full-size
 * image (turned to level the eyes), classified. Never throws: an unreadable file or a failed
 * classification is the result's `error`.
 */
export async function analysePhoto(
  file: File,
  pipeline: FramePipeline<ImageBitmap>,
  timestampMs: number,
): Promise<PhotoResult> {
  let image: ImageBitmap;
  try {
    image = await decodePhoto(file);
  } catch (error) {
    return { fileName: file.name, width: 0, height: 0, faces: [], error: errorMessage(error) };
  }
  try {
    const size = { width: image.width, height: image.height };
    const found = await analyseFrame(pipeline, image, size, timestampMs, {
      maxFaces: MAX_FACES_PER_PHOTO,
      still: true,
    });
    return {
      fileName: file.name,
      ...size,
      faces: found.detections.map((detection, i) => ({
        box: detection.box,
        probabilities: found.probabilities
          ? Array.from(found.probabilities.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES))
          : undefined,
      })),
      ...(found.classifyError ? { error: `Faces found but not classified: ${found.classifyError}` } : {}),
    };
  } finally {
    image.close();
  }
}

export interface PhotoProgress {
  done: number;
  total: number;
}

/**
 * Analyses photos one after another, handing each result over as it comes, until all are done or
 * `signal` aborts. Each photo awaits its decoding and classification, so the window stays
 * responsive between them; returns how many were analysed.
 */
export async function analysePhotos(
  files: readonly File[],
  pipeline: FramePipeline<ImageBitmap>,
  onResult: (result: PhotoResult, progress: PhotoProgress, file: File) => void,
  signal: AbortSignal,
): Promise<number> {
  let done = 0;
  for (const file of files) {
    if (signal.aborted) break;
    // MediaPipe's VIDEO mode wants growing timestamps; photos are unrelated frames, 1 s apart.
    const result = await analysePhoto(file, pipeline, (done + 1) * 1000);
    if (signal.aborted) break;
    done++;
    onResult(result, { done, total: files.length }, file);
  }
  return done;
}
