import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { mediapipeAssets } from './scripts/face-detector/vite-plugin';

const shared = { '@shared': resolve(__dirname, 'src/shared') };

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // The app shell, the ML host it starts as an Electron utility process, and the worker
        // threads the ML host starts (found beside it: see siblingModule in spawn-worker.ts).
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'ml-host': resolve(__dirname, 'src/main/ml/host/utility-entry.ts'),
          'train-worker': resolve(__dirname, 'src/main/ml/training/train-worker.ts'),
          'decode-worker': resolve(__dirname, 'src/main/ml/data/decode-worker.ts'),
          'predict-worker': resolve(__dirname, 'src/main/ml/evaluation/predict-worker.ts'),
        },
        // Shared chunks sit beside the entries too, so import.meta.url in any of them finds the workers.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    build: {
      // Sandboxed preloads cannot be ES modules.
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    resolve: { alias: shared },
    plugins: [svelte(), mediapipeAssets()],
  },
});
