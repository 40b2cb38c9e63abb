import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { percent } from '@shared/format';
import { readMetadata } from './model-folder';

// One figure, one rounding: the accuracy the Models view shows for a bundled model is the one the docs state.
describe('the bundled models’ stored accuracy', () => {
  it.each(['default', 'fast', 'seed'])(
    '%s: the model card (docs/models.md) states it as the Models view rounds it',
    async (name) => {
      const metadata = await readMetadata(path.resolve('resources/models', name));
      const shown = percent(metadata.evaluation!.accuracy);
      const card = readFileSync('docs/models.md', 'utf8');
      const row = card.split('\n').find((line) => new RegExp(`^\\| \`${name}\` +\\|`).test(line));
      expect(row, `the model card's results row for ${name}`).toBeDefined();
      expect(row).toContain(shown);
    },
  );
});
