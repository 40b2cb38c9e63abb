import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module config without type declarations (electron-builder reads it as it is)
import builderConfig from '../electron-builder.config.mjs';
import viteConfig from '../electron.vite.config';
import { appPaths } from '../src/main/app-paths';
import { FACE_DETECTOR_FILE } from './face-detector/build';
import { MEDIAPIPE_DIR } from './face-detector/vite-plugin';

const config = builderConfig as Configuration;
const root = fileURLToPath(new URL('..', import.meta.url));
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** A glob of electron-builder's `files` and `asarUnpack` (`**`, `*`) as a regular expression. */
function globRegExp(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/** Whether `file` (relative to the project) is packed by `files`: the last matching pattern decides, as in electron-builder. */
function packed(file: string): boolean {
  let included = false;
  for (const pattern of config.files as string[]) {
    if (pattern.startsWith('!')) {
      if (globRegExp(pattern.slice(1)).test(file)) included = false;
    } else if (globRegExp(pattern).test(file)) included = true;
  }
  return included;
}

const unpacked = (file: string) => (config.asarUnpack as string[]).some((pattern) => globRegExp(pattern).test(file));

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`;
    return statSync(path.join(root, relative)).isDirectory() ? filesUnder(relative) : [relative];
  });
}

/** Every file of the app (not of a dependency) that it opens at run time, relative to the project. */
function appRunTimeFiles(): string[] {
  const paths = appPaths(path.join(root, 'out/main'), '40.0.0');
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const mainEntries = Object.keys(
    (viteConfig as { main: { build: { rollupOptions: { input: Record<string, string> } } } }).main.build.rollupOptions
      .input,
  );
  return [
    relative(paths.preload),
    relative(paths.mlHost),
    relative(path.join(paths.rendererRoot, 'index.html')),
    ...mainEntries.map((entry) => `out/main/${entry}.js`),
    ...['vision_wasm_internal.js', 'vision_wasm_internal.wasm', FACE_DETECTOR_FILE].map(
      (name) => `out/renderer/${MEDIAPIPE_DIR}/${name}`,
    ),
    // The bundled models, as the repository holds them (training checkpoints are not part of a model).
    ...filesUnder(relative(paths.bundledModels)).filter((file) => !file.includes('/checkpoint/')),
  ];
}

/** Files of dependencies the app opens at run time, and the package each belongs to. */
const DEPENDENCY_FILES = [
  { dependency: 'better-sqlite3', file: 'node_modules/better-sqlite3/build/Release/better_sqlite3.node' },
  ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((name) => ({
    dependency: '@tensorflow/tfjs-backend-wasm',
    file: `node_modules/@tensorflow/tfjs-backend-wasm/dist/${name}`,
  })),
];

describe('the installers (electron-builder.config.mjs)', () => {
  it('pack every file the app opens at run time, and unpack what cannot be read from the archive', () => {
    const files = appRunTimeFiles();
    expect(files.filter((file) => file.startsWith('resources/models/')).length).toBeGreaterThan(3);
    expect(files.filter((file) => !packed(file))).toEqual([]);
    expect(packed('src/main/index.ts')).toBe(false);
    expect(packed('out/main/index.js.map')).toBe(false);
    // WebAssembly is compiled from a file on disk; the renderer's copy is served by the app's protocol either way.
    expect(files.filter((file) => file.endsWith('.wasm') && !unpacked(file))).toEqual([]);
  });

  it('ship the native module and WebAssembly of the production dependencies, unpacked', () => {
    for (const { dependency, file } of DEPENDENCY_FILES) {
      // electron-builder packs the production dependencies (never the devDependencies) whole.
      expect(packageJson.dependencies, file).toHaveProperty([dependency]);
      expect(statSync(path.join(root, file)).isFile(), file).toBe(true);
      expect(unpacked(file), `${file} is unpacked`).toBe(true);
    }
    expect(config.npmRebuild).toBe(true); // better-sqlite3 rebuilt for Electron's Node
  });

  it('flip the fuses: no run-as-node, NODE_OPTIONS or inspect arguments; the app only from its checked asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // With run-as-node off, child_process.fork of Electron would fail: the ML process is a utility process.
    const mlChannel = readFileSync(path.join(root, 'src/main/ml/host/utility-channel.ts'), 'utf8');
    expect(mlChannel).toContain('utilityProcess.fork');
    const mainSources = filesUnder('src/main').filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    for (const file of mainSources) {
      expect(readFileSync(path.join(root, file), 'utf8'), file).not.toMatch(/ELECTRON_RUN_AS_NODE|child_process/);
    }
  });

  it('build an AppImage and a deb, an NSIS installer, and a hardened dmg that may use the camera', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.extendInfo).toMatchObject({ NSCameraUsageDescription: expect.stringMatching(/camera/) });
    const entitlements = readFileSync(path.join(root, config.mac!.entitlements!), 'utf8');
    expect(entitlements).toMatch(/<key>com\.apple\.security\.device\.camera<\/key>\s*<true\/>/);
    expect(config.mac?.entitlementsInherit).toBe(config.mac?.entitlements);
  });
});
