import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelLibrary } from './library';

const BUNDLED = path.resolve('resources/models');
const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-models-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the bundled default model, broken by `breakIt`. */
function brokenCopy(breakIt: (dir: string) => void): string {
  const dir = path.join(temp(), 'model');
  cpSync(path.join(BUNDLED, 'default'), dir, { recursive: true });
  breakIt(dir);
  return dir;
}

describe('ModelLibrary', () => {
  it('lists the bundled models with their architecture, dataset, date and accuracy', async () => {
    const [ours, fast, seed] = await new ModelLibrary(BUNDLED, temp()).list();
    expect(ours).toMatchObject({ id: 'bundled:default', name: 'default', architecture: 'default', bundled: true });
    expect(fast).toMatchObject({ id: 'bundled:fast', name: 'fast', architecture: 'fast', bundled: true });
    expect(seed).toMatchObject({ id: 'bundled:seed', name: 'seed', architecture: 'seed', bundled: true });
    // Ours is the live default because it is ahead of the original design, and of its own fast student.
    expect(ours.accuracy).toBeGreaterThan(fast.accuracy!);
    expect(fast.accuracy).toBeGreaterThan(seed.accuracy!);
    for (const entry of [ours, fast, seed]) expect(entry.createdAt).toMatch(/^\d{4}-\d\d-\d\d/);
  });

  it('imports a checked model folder, renames it, exports it and deletes it', async () => {
    const library = new ModelLibrary(BUNDLED, temp());
    const imported = await library.import(path.join(BUNDLED, 'default'));
    expect(imported).toMatchObject({ id: 'user:default', bundled: false });
    expect((await library.import(path.join(BUNDLED, 'default'))).id).toBe('user:default-2');
    const renamed = await library.rename(imported.id, 'Mine, v2');
    expect(renamed.name).toBe('Mine, v2');
    const exported = await library.export(imported.id, temp());
    expect(path.basename(exported)).toBe('mine-v2');
    expect(JSON.parse(readFileSync(path.join(exported, 'metadata.json'), 'utf8')).name).toBe('Mine, v2');
    await library.remove(imported.id);
    expect((await library.list()).map((m) => m.id)).toEqual([
      'bundled:default',
      'bundled:fast',
      'bundled:seed',
      'user:default-2',
    ]);
  });

  it.each([
    ['no metadata', (dir: string) => rmSync(path.join(dir, 'metadata.json')), /metadata.json is missing/],
    ['broken metadata', (dir: string) => writeFileSync(path.join(dir, 'metadata.json'), '{'), /not valid JSON/],
    [
      'other labels',
      (dir: string) => {
        const file = path.join(dir, 'metadata.json');
        const metadata = JSON.parse(readFileSync(file, 'utf8'));
        writeFileSync(file, JSON.stringify({ ...metadata, labels: ['cat', 'dog'] }));
      },
      /do not match angry/,
    ],
    ['no weights', (dir: string) => rmSync(path.join(dir, 'weights.bin')), /weights.bin is missing/],
    ['truncated weights', (dir: string) => truncateSync(path.join(dir, 'weights.bin'), 1000), /truncated/],
    ['no model.json', (dir: string) => rmSync(path.join(dir, 'model.json')), /model.json is missing/],
  ])('refuses to import a folder with %s, saying why, and copies nothing', async (_name, breakIt, reason) => {
    const userDir = temp();
    const library = new ModelLibrary(BUNDLED, userDir);
    const broken = brokenCopy(breakIt);
    await expect(library.import(broken)).rejects.toThrow(reason);
    // It says that the import failed and which folder it was.
    await expect(library.import(broken)).rejects.toThrow(`Could not import ${broken}: `);
    expect((await library.list()).filter((m) => !m.bundled)).toEqual([]);
  });

  it('keeps bundled models read-only and refuses ids that leave the library', async () => {
    const library = new ModelLibrary(BUNDLED, temp());
    await expect(library.remove('bundled:default')).rejects.toThrow(/cannot be deleted/);
    await expect(library.rename('bundled:default', 'x')).rejects.toThrow(/cannot be renamed/);
    await expect(library.folder('user:../../etc')).rejects.toThrow(/Unknown model/);
    await expect(library.folder('elsewhere:default')).rejects.toThrow(/Unknown model/);
    expect(existsSync(path.join(BUNDLED, 'default', 'model.json'))).toBe(true);
  });
});
