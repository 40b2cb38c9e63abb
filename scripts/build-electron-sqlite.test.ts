import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations (it runs before any build)
import { buildCommands, buildElectronSqlite, copySources } from './build-electron-sqlite.mjs';

interface Command {
  kind: 'prebuilt' | 'compiled';
  command: string;
  args: string[];
}

/** A better-sqlite3 source folder, inside a project that itself sits under a folder named build. */
function sources(): { source: string; work: string; binding: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-native-'));
  const source = path.join(base, 'build', 'project', 'node_modules', 'better-sqlite3');
  mkdirSync(path.join(source, 'src'), { recursive: true });
  mkdirSync(path.join(source, 'build', 'Release'), { recursive: true });
  writeFileSync(path.join(source, 'binding.gyp'), '{}');
  writeFileSync(path.join(source, 'src', 'better_sqlite3.cpp'), '// sources');
  writeFileSync(path.join(source, 'build', 'Release', 'better_sqlite3.node'), 'the Node build');
  return { source, work: path.join(base, 'work'), binding: path.join(base, 'out', 'better_sqlite3.node') };
}

const commands = (): Command[] =>
  buildCommands({
    electronVersion: '40.8.5',
    arch: 'x64',
    prebuildInstall: '/modules/prebuild-install/bin.js',
    nodeGyp: '/npm/node-gyp.js',
    execPath: '/usr/bin/node',
  });

describe('npm run build:native', () => {
  it('tries the prebuilt Electron binary first, then a compile, both for this Electron and arch', () => {
    expect(commands()).toEqual([
      {
        kind: 'prebuilt',
        command: '/usr/bin/node',
        args: [
          '/modules/prebuild-install/bin.js',
          '--runtime=electron',
          '--target=40.8.5',
          '--arch=x64',
          '--tag-prefix=v',
        ],
      },
      {
        kind: 'compiled',
        command: '/usr/bin/node',
        args: expect.arrayContaining(['/npm/node-gyp.js', 'rebuild', '--runtime=electron', '--target=40.8.5']),
      },
    ]);
  });

  it('copies the sources but not their Node build, even when the project sits under a folder named build', () => {
    const { source, work } = sources();
    copySources(source, work);
    expect(existsSync(path.join(work, 'binding.gyp'))).toBe(true);
    expect(existsSync(path.join(work, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(existsSync(path.join(work, 'build'))).toBe(false);
  });

  it('uses the prebuilt binary when there is one, and never compiles', () => {
    const { source, work, binding } = sources();
    const ran: string[] = [];
    const made = buildElectronSqlite({
      source,
      work,
      binding,
      commands: commands(),
      log: () => undefined,
      run: (_command: string, args: string[], cwd: string) => {
        ran.push(args[0]);
        mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
        writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), 'for Electron');
        return true;
      },
    });
    expect(made).toBe('prebuilt');
    expect(ran).toEqual(['/modules/prebuild-install/bin.js']);
    expect(readFileSync(binding, 'utf8')).toBe('for Electron');
  });

  it('compiles when no prebuilt binary exists, and says so when neither works', () => {
    const { source, work, binding } = sources();
    const compileOnly = (_command: string, args: string[], cwd: string) => {
      if (args[0].includes('prebuild-install')) return false;
      mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
      writeFileSync(path.join(cwd, 'build', 'Release', 'better_sqlite3.node'), 'compiled');
      return true;
    };
    expect(
      buildElectronSqlite({ source, work, binding, commands: commands(), run: compileOnly, log: () => undefined }),
    ).toBe('compiled');
    expect(readFileSync(binding, 'utf8')).toBe('compiled');
    const other = sources();
    expect(
      buildElectronSqlite({ ...other, commands: commands(), run: () => false, log: () => undefined }),
    ).toBeUndefined();
    expect(existsSync(other.binding)).toBe(false);
    expect(existsSync(other.work)).toBe(false);
  });
});
