import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations (it runs before any build)
import { runStages, stagesFor } from './verify.mjs';

describe('npm run verify', () => {
  it('runs every stage even after one fails, and reports each', () => {
    const ran: string[][] = [];
    const lines: string[] = [];
    const results = runStages(
      stagesFor({ electronInstalled: false }),
      (args: string[]) => {
        ran.push(args);
        return args.join(' ') !== 'test'; // the unit tests fail
      },
      (line: string) => lines.push(line),
    ) as { name: string; ok: boolean }[];
    expect(ran).toHaveLength(6); // the end-to-end stage still ran
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true]);
    expect(lines).toContain('verify failed: unit tests');
    expect(lines.some((line) => line.startsWith('passed  end-to-end tests'))).toBe(true);
  });

  it('builds better-sqlite3 for Electron before the end-to-end stage only where Electron is installed', () => {
    const names = (electronInstalled: boolean) =>
      (stagesFor({ electronInstalled }) as [string, string[]][]).map(([name]) => name);
    expect(names(true)).toEqual([
      'lint',
      'typecheck',
      'build',
      'unit tests',
      'sessions guard',
      'better-sqlite3 for Electron',
      'end-to-end tests',
    ]);
    expect(names(false)).not.toContain('better-sqlite3 for Electron');
  });
});
