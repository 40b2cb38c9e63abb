/** The seven FER2013 classes, in the dataset's label order (label = index). */
export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

export type Emotion = (typeof EMOTIONS)[number];

export const NUM_CLASSES = EMOTIONS.length;

/** Side of the square grayscale face crop every model takes. */
export const FACE_SIZE = 48;

/** Label of the largest of NUM_CLASSES probabilities starting at `offset` (the first on a tie). */
export function topEmotionIndex(probabilities: ArrayLike<number>, offset = 0): number {
  let best = 0;
  for (let c = 1; c < NUM_CLASSES; c++) if (probabilities[offset + c] > probabilities[offset + best]) best = c;
  return best;
}

export function isEmotion(value: string): value is Emotion {
  return (EMOTIONS as readonly string[]).includes(value);
}

/** Values in one face crop: FACE_SIZE x FACE_SIZE grayscale, row by row. */
export const FACE_PIXELS = FACE_SIZE * FACE_SIZE;
