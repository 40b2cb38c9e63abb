/** Photos analysed in the Files view, as the renderer shows them and the CSV export writes them. */

export interface PhotoFace {
  /** In the photo's pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** NUM_CLASSES probabilities in EMOTIONS order; undefined when the face could not be classified. */
  probabilities?: number[];
}

export interface PhotoResult {
  fileName: string;
  /** The photo's size in pixels (0 when it could not be read). */
  width: number;
  height: number;
  faces: PhotoFace[];
  /** Why the photo, or its faces, could not be analysed. */
  error?: string;
}

/** Most photos one CSV export may carry. */
export const MAX_PHOTOS_PER_EXPORT = 100_000;

/** Most faces looked for in one photo (a class photo has a few dozen). */
export const MAX_FACES_PER_PHOTO = 64;

/** Longest side of a photo Chromium decodes (its canvas limit). */
export const MAX_IMAGE_SIDE = 32_767;
