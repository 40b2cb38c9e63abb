import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMOTIONS } from '../../src/shared/emotions';
import { decodeFace } from '../../src/main/ml/data/image';
import { ROOT } from './paths';

export const SHARED_FER2013 = path.resolve(ROOT, '../shared/fer2013');

/** Training images per class in the small dataset; disgust gets a fifth, like FER2013's imbalance. */
const TRAIN_PER_CLASS = 60;
const TEST_PER_CLASS = 10;

/**
 * A few hundred FER2013 faces (the first files of each class, so always the same ones) in the
 * Kaggle folder layout, and the same faces as a fer2013.csv, each with one broken item (a file
 * that is not an image, a row with too few pixels). Built in `dir`; nothing is copied into the repo.
 */
export function buildSmallDataset(
  dir: string,
  { name = 'small-fer2013', trainPerClass = TRAIN_PER_CLASS } = {},
): { folder: string; csv: string; trainImages: number[] } {
  const folder = path.join(dir, name);
  const rows = ['emotion,pixels,Usage'];
  const trainImages: number[] = [];
  for (const [split, usage, perClass] of [
    ['train', 'Training', trainPerClass],
    ['test', 'PublicTest', TEST_PER_CLASS],
  ] as const) {
    EMOTIONS.forEach((emotion, label) => {
      const source = path.join(SHARED_FER2013, split, emotion);
      const count = split === 'train' && emotion === 'disgust' ? Math.ceil(perClass / 5) : perClass;
      const files = readdirSync(source).sort().slice(0, count);
      mkdirSync(path.join(folder, split, emotion), { recursive: true });
      for (const file of files) {
        copyFileSync(path.join(source, file), path.join(folder, split, emotion, file));
        rows.push(`${label},${Array.from(decodeFace(readFileSync(path.join(source, file)))).join(' ')},${usage}`);
      }
      if (split === 'train') trainImages.push(files.length);
    });
  }
  // One broken item in each form, which the report must list as skipped.
  writeFileSync(path.join(folder, 'train', 'happy', 'broken.jpg'), 'not a jpeg');
  rows.push('3,12 34 56,Training');
  const csv = path.join(dir, `${name}.csv`);
  writeFileSync(csv, `${rows.join('\n')}\n`);
  return { folder, csv, trainImages };
}

export const hasSharedFer2013 = () => existsSync(path.join(SHARED_FER2013, 'train'));
