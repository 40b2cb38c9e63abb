#!/usr/bin/env node
/**
 * better-sqlite3 is a native module, and Node and Electron need it built for their own ABI.
 * `npm ci` builds it for Node (tests, the command line). This puts a second copy for Electron in
 * .cache/electron-native/<electron version>/, which the app loads through better-sqlite3's
 * `nativeBinding` option, so neither build replaces the other. Runs before `npm start` and
 * `npm run dev`; does nothing when that build exists. It first fetches better-sqlite3's prebuilt
 * binary for this Electron (prebuild-install, as better-sqlite3's own install does), and only where
 * there is none compiles it (Electron's headers and a C++ toolchain).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Copies better-sqlite3's sources from `source` to `work`, leaving out its own build folder (a
 * Node build); only `source`'s build folder, wherever the project itself sits.
 */
export function copySources(source, work) {
  rmSync(work, { recursive: true, force: true });
  cpSync(source, work, {
    recursive: true,
    filter: (file) => {
      const inside = path.relative(source, file).split(path.sep);
      return inside[0] !== 'build';
    },
  });
}

/**
 * The commands that put better_sqlite3.node for Electron `electronVersion` into `work`/build/Release,
 * in order until one succeeds: the prebuilt binary, then a compile. `nodeGyp`: the node-gyp npm
 * gives scripts (npm_config_node_gyp), else npx's. Shell-free, so it runs the same on Windows.
 */
export function buildCommands({ electronVersion, arch, prebuildInstall, nodeGyp, execPath }) {
  const electron = ['--runtime=electron', `--target=${electronVersion}`, `--arch=${arch}`];
  const compile = nodeGyp
    ? [execPath, [nodeGyp, 'rebuild', '--release', ...electron, '--dist-url=https://electronjs.org/headers']]
    : [
        process.platform === 'win32' ? 'npx.cmd' : 'npx',
        ['--yes', 'node-gyp', 'rebuild', '--release', ...electron, '--dist-url=https://electronjs.org/headers'],
      ];
  return [
    { kind: 'prebuilt', command: execPath, args: [prebuildInstall, ...electron, '--tag-prefix=v'] },
    { kind: 'compiled', command: compile[0], args: compile[1] },
  ];
}

/**
 * Builds (or fetches) the Electron binding into `binding`. `run(command, args, cwd)` returns
 * whether the command succeeded; returns how it was made, or undefined when nothing worked.
 */
export function buildElectronSqlite({ source, work, binding, commands, run, log = console.log }) {
  copySources(source, work);
  try {
    for (const { kind, command, args } of commands) {
      log(kind === 'prebuilt' ? 'Fetching the prebuilt binary…' : 'No prebuilt binary: compiling (about a minute)…');
      if (!run(command, args, work)) continue;
      const built = path.join(work, 'build/Release/better_sqlite3.node');
      if (!existsSync(built)) continue;
      mkdirSync(path.dirname(binding), { recursive: true });
      cpSync(built, binding);
      return kind;
    }
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const require = createRequire(import.meta.url);
  const electronVersion = require('electron/package.json').version;
  const binding = path.join(root, '.cache/electron-native', electronVersion, 'better_sqlite3.node');
  if (existsSync(binding)) process.exit(0);
  console.log(`Getting better-sqlite3 for Electron ${electronVersion} (once)…`);
  const made = buildElectronSqlite({
    source: path.dirname(require.resolve('better-sqlite3/package.json')),
    work: path.join(root, '.cache/electron-native/build'),
    binding,
    commands: buildCommands({
      electronVersion,
      arch: process.arch,
      prebuildInstall: require.resolve('prebuild-install/bin.js'),
      nodeGyp: process.env.npm_config_node_gyp,
      execPath: process.execPath,
    }),
    run: (command, args, cwd) =>
      spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } }).status === 0,
  });
  if (!made) {
    console.error(
      `Could not get better-sqlite3 for Electron ${electronVersion}: there is no prebuilt binary for this system, ` +
        "and compiling needs Electron's headers from https://electronjs.org/headers and a C++ toolchain " +
        '(README, Troubleshooting). Sessions cannot be stored until it is built.',
    );
    process.exit(1);
  }
  console.log(`${made === 'prebuilt' ? 'Fetched' : 'Built'} ${path.relative(root, binding)}`);
}
