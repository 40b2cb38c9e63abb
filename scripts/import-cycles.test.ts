import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, sourceCycles } from './import-cycles';

describe('import circles', () => {
  it('there are none in src/ and e2e/', () => {
    expect(sourceCycles(['src', 'e2e'])).toEqual([]);
  });

  it('the check finds a circle of two, one of three, type-only ones and a Svelte component in one', () => {
    const code: Record<string, string> = {
      '/p/a.ts': "import { b } from './b';",
      '/p/b.ts': "import type { A } from './a';\nexport const b = 1;",
      '/p/c.ts': "export { d } from './d';",
      '/p/d.ts': "import { e } from './e';",
      '/p/e.ts': "import X from './View.svelte';",
      '/p/View.svelte': '<script lang="ts">\n  import { c } from \'./c\';\n</script>',
      '/p/free.ts': "import { b } from './b';\nimport x from 'uplot';\nimport { EMOTIONS } from '@shared/emotions';",
    };
    const graph = importGraph(
      Object.keys(code),
      (file) => code[file],
      (file) => file in code || file.endsWith('src/shared/emotions.ts'),
    );
    expect(graph.get('/p/free.ts')).toEqual(['/p/b.ts', path.resolve('src/shared/emotions.ts')]);
    expect(cycles(graph)).toEqual([
      ['/p/a.ts', '/p/b.ts'],
      ['/p/View.svelte', '/p/c.ts', '/p/d.ts', '/p/e.ts'],
    ]);
  });
});
