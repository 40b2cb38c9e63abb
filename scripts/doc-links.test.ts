import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks, headingSlug } from './doc-links';

const documents = [
  'README.md',
  ...readdirSync('docs').flatMap((name) => (name.endsWith('.md') ? [`docs/${name}`] : [])),
];

describe('the documentation’s links', () => {
  it.each(documents)('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('the README stays short: at most 200 lines', () => {
    expect(readFileSync('README.md', 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'doc-links-'));
  writeFileSync(path.join(dir, 'other.md'), '# Faces at every size, framed like FER2013\n\n## The `default` model\n');
  const check = (markdown: string) => brokenLinks(path.join(dir, 'page.md'), markdown);

  it('names a missing file, a missing heading and a broken image', () => {
    const problems = check('[a](missing.md) [b](other.md#nowhere) ![c](pictures/none.png)');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/missing\.md \(no such file\)/);
    expect(problems[1]).toMatch(/no heading #nowhere/);
    expect(problems[2]).toMatch(/none\.png/);
  });

  it('accepts existing files and GitHub’s anchors, and skips web links and code', () => {
    expect(
      check(
        '[a](other.md) [b](other.md#faces-at-every-size-framed-like-fer2013) [c](other.md#the-default-model) ' +
          '[d](https://example.org/x) `[e](not-a-link.md)`\n```\n[f](nor-this.md)\n```',
      ),
    ).toEqual([]);
    expect(headingSlug("Main's foundations")).toBe('mains-foundations');
  });
});
