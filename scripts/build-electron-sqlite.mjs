#!/usr/bin/env node
/**
 * better-sqlite3 is a native module, and Node and Electron need it compiled for their own ABI.
 * `npm ci` builds it for Node (tests, the command line). This builds a second copy for Electron
 * into .cache/electron-native/<electron version>/, which the app loads through better-sqlite3's
 * `nativeBinding` option, so neither build replaces the other. Runs before `npm start` and
 * `npm run dev`; does nothing when that build exists. Needs Electron's headers
 * (https://electronjs.org/headers) and a C++ toolchain.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const outDir = path.join(root, '.cache/electron-native', electronVersion);
const binding = path.join(outDir, 'better_sqlite3.node');

if (existsSync(binding)) process.exit(0);

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.cache/electron-native/build');
rmSync(work, { recursive: true, force: true });
cpSync(source, work, { recursive: true, filter: (file) => !file.includes(`${path.sep}build${path.sep}`) });
// npm tells scripts where its node-gyp is; fall back to the one on PATH.
const nodeGyp = process.env.npm_config_node_gyp;
const [command, args] = nodeGyp ? [process.execPath, [nodeGyp]] : ['node-gyp', []];
console.log(`Building better-sqlite3 for Electron ${electronVersion} (once; about a minute)…`);
try {
  execFileSync(
    command,
    [
      ...args,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--runtime=electron',
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: work, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
} catch {
  rmSync(work, { recursive: true, force: true });
  console.error(
    `Could not build better-sqlite3 for Electron ${electronVersion}: node-gyp needs Electron's headers from ` +
      'https://electronjs.org/headers and a C++ toolchain. Sessions cannot be stored until it is built.',
  );
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
cpSync(path.join(work, 'build/Release/better_sqlite3.node'), binding);
rmSync(work, { recursive: true, force: true });
console.log(`Built ${path.relative(root, binding)}`);
