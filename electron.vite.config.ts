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
        // The app shell, and the ML host it starts as an Electron utility process.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'ml-host': resolve(__dirname, 'src/main/ml/host/utility-entry.ts'),
        },
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
