import { NUM_CLASSES } from '@shared/emotions';
import { Random } from '../training/random';
import { DatasetError, type FaceDataset, type FaceSplit } from './dataset';
import { FACE_PIXELS } from './image';

/** Stratified split of `split` into train and validation parts (`fraction` of each class held out). */
export function holdOut(split: FaceSplit, fraction: number, seed: number): { train: FaceSplit; validation: FaceSplit } {
  const random = new Random(seed);
  const byClass = Array.from({ length: NUM_CLASSES }, () => [] as number[]);
  split.labels.forEach((label, i) => byClass[label].push(i));
  const held = new Set<number>();
  for (const members of byClass) {
    random.shuffle(members);
    members.slice(0, Math.round(members.length * fraction)).forEach((i) => held.add(i));
  }
  const pick = (keep: (i: number) => boolean): FaceSplit => {
    const indices = [...split.labels.keys()].filter(keep);
    const images = new Uint8Array(indices.length * FACE_PIXELS);
    indices.forEach((src, dst) =>
      images.set(split.images.subarray(src * FACE_PIXELS, (src + 1) * FACE_PIXELS), dst * FACE_PIXELS),
    );
    return { images, labels: Uint8Array.from(indices, (i) => split.labels[i]) };
  };
  return { train: pick((i) => !held.has(i)), validation: pick((i) => held.has(i)) };
}

/**
 * What a run trains and validates on: train and the test split, or without a test split, train
 * minus a stratified `holdout` fraction held out with `seed`.
 */
export function trainingSplits(
  dataset: FaceDataset,
  holdout: number,
  seed: number,
): { train: FaceSplit; validation: FaceSplit; validationFrom: 'test' | 'held-out train' } {
  const train = dataset.splits.train;
  if (!train) throw new DatasetError(`${dataset.report.source} has no training images`);
  if (dataset.splits.test) return { train, validation: dataset.splits.test, validationFrom: 'test' };
  return { ...holdOut(train, holdout, seed), validationFrom: 'held-out train' };
}
