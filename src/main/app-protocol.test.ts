import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveAppFile } from './app-protocol';
import { APP_ENTRY, isRequestAllowed } from './security';

describe('the app:// protocol', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-renderer-'));
  mkdirSync(path.join(root, 'mediapipe'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(root, 'mediapipe', 'vision.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(path.join(root, '..', 'secret.txt'), 'not for the page');

  it('serves the renderer’s files from disk with their types, so no file: request reaches webRequest', async () => {
    const page = await serveAppFile(root, APP_ENTRY);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<!doctype html>');
    const wasm = await serveAppFile(root, 'app://emotion-monitor/mediapipe/vision.wasm');
    expect(wasm.headers.get('Content-Type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    // The request filter still refuses file: URLs: nothing served here depends on them.
    expect(isRequestAllowed(`file://${path.join(root, 'index.html')}`)).toBe(false);
  });

  it('answers 404 for a missing file and for any way out of the renderer folder', async () => {
    expect((await serveAppFile(root, 'app://emotion-monitor/nothing.js')).status).toBe(404);
    expect((await serveAppFile(root, 'app://emotion-monitor/../secret.txt')).status).toBe(404);
    expect((await serveAppFile(root, 'app://emotion-monitor/%2e%2e/secret.txt')).status).toBe(404);
    expect((await serveAppFile(root, 'app://another-host/index.html')).status).toBe(404);
  });
});
