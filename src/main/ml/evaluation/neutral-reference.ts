import { EMOTIONS, NUM_CLASSES } from '@shared/emotions';

const NEUTRAL = EMOTIONS.indexOf('neutral');

/**
 * The model's reference for neutral-baseline calibration (src/shared/baseline.ts): the mean of the
 * probabilities it gives the faces labelled neutral, as the live view gets them (single predictions,
 * its temperature applied). Undefined when `labels` hold no neutral face.
 */
export function neutralReference(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
): { distribution: number[]; faces: number } | undefined {
  const sum = new Float64Array(NUM_CLASSES);
  let faces = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== NEUTRAL) continue;
    faces++;
    for (let c = 0; c < NUM_CLASSES; c++) sum[c] += probabilities[i * NUM_CLASSES + c];
  }
  if (faces === 0) return undefined;
  return { distribution: Array.from(sum, (total) => total / faces), faces };
}
