import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(ROOT, 'out/renderer');
export const MAIN_ENTRY = path.join(ROOT, 'out/main/index.js');
export const DEFAULT_MODEL_DIR = path.join(ROOT, 'resources/models/default');
export const FIXTURES_DIR = path.resolve(ROOT, '../shared/fixtures');
export const FAKE_CAMERA_VIDEO = path.join(FIXTURES_DIR, 'faces-320x240.y4m');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The Electron binary, or why there is none (its download is skipped on machines without GitHub access). */
export function electronBinary(): { path?: string; reason?: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown as string;
    return existsSync(binary) ? { path: binary } : { reason: `no Electron binary at ${binary}` };
  } catch (error) {
    return { reason: `no Electron binary: ${(error as Error).message.split('\n')[0]}` };
  }
}
