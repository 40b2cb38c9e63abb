import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../src/shared/errors';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(ROOT, 'out/renderer');
/** What Electron is started on: the project, whose package.json names out/main/index.js and the app's name. */
export const APP_DIR = ROOT;
export const DEFAULT_MODEL_DIR = path.join(ROOT, 'resources/models/default');
export const FIXTURES_DIR = path.resolve(ROOT, '../shared/fixtures');
export const FAKE_CAMERA_VIDEO = path.join(FIXTURES_DIR, 'faces-320x240.y4m');

/** The fake-webcam clip, or an error saying how to make it (without it Chromium shows a test pattern, no faces). */
export function fakeCameraVideo(file = FAKE_CAMERA_VIDEO): string {
  if (existsSync(file)) return file;
  throw new Error(
    `The fake-webcam clip ${file} is missing: make it from FER2013's test images with ` +
      `\`bash scripts/make-faces-y4m.sh <fer2013>/test ${file}\` (needs ImageMagick and ffmpeg).`,
  );
}
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How to get the binary when its download was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1 or no GitHub access). */
export const ELECTRON_INSTALL_HINT =
  'the Electron binary is not installed (its download was skipped); where GitHub is reachable, run ' +
  '`node node_modules/electron/install.js` to fetch it, then run the tests again';

/** The Electron binary, or why there is none. */
export function electronBinary(require = createRequire(import.meta.url)): { path?: string; reason?: string } {
  try {
    const binary = require('electron') as unknown as string;
    return existsSync(binary) ? { path: binary } : { reason: ELECTRON_INSTALL_HINT };
  } catch (error) {
    const message = errorMessage(error);
    // electron/index.js throws "Electron failed to install correctly…" when path.txt is missing.
    if (/failed to install/i.test(message)) return { reason: ELECTRON_INSTALL_HINT };
    return { reason: `Electron cannot be loaded: ${message.split('\n')[0]}` };
  }
}
