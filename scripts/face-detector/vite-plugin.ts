import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { buildFaceDetectorModel, FACE_DETECTOR_FILE } from './build';

const require = createRequire(import.meta.url);

/** Where the renderer finds MediaPipe's files, relative to its page. */
export const MEDIAPIPE_DIR = 'mediapipe';

/**
 * Ships MediaPipe with the renderer, so nothing is fetched at run time: the tasks-vision wasm
 * runtime and the face detector model built from @mediapipe/face_detection (see build.ts).
 * Emitted into the build; served from memory by the dev server.
 */
export function mediapipeAssets(): Plugin {
  let files: Map<string, Uint8Array> | undefined;
  const load = (): Map<string, Uint8Array> =>
    (files ??= new Map<string, Uint8Array>([
      ['vision_wasm_internal.js', readFileSync(require.resolve('@mediapipe/tasks-vision/vision_wasm_internal.js'))],
      ['vision_wasm_internal.wasm', readFileSync(require.resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm'))],
      [FACE_DETECTOR_FILE, buildFaceDetectorModel()],
    ]));
  const types: Record<string, string> = {
    js: 'text/javascript',
    wasm: 'application/wasm',
    tflite: 'application/octet-stream',
  };
  return {
    name: 'emotion-monitor:mediapipe-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const prefix = `/${MEDIAPIPE_DIR}/`;
        const name = request.url?.startsWith(prefix) ? request.url.slice(prefix.length) : undefined;
        const body = name ? load().get(name) : undefined;
        if (!name || !body) return next();
        response.setHeader('Content-Type', types[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
        response.end(body);
      });
    },
    generateBundle() {
      for (const [name, source] of load())
        this.emitFile({ type: 'asset', fileName: `${MEDIAPIPE_DIR}/${name}`, source });
    },
  };
}
