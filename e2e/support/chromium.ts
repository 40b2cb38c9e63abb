/** The built renderer in Debian's Chromium, served without a server and cut off from the network. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { RENDERER_DIR } from './paths';

/**
 * Where the renderer is served in Chromium: a .localhost name is a secure context and resolves to
 * loopback. Its HTTP requests are answered by the test itself; the port is the test bridge's, whose
 * WebSocket is then same-origin.
 */
export function appOrigin(port: number): string {
  return `http://emotion-monitor.localhost:${port}`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
};

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The page is answered by Playwright (no address), the bridge socket is on loopback: Local
  // Network Access would refuse that pairing, which only exists in tests.
  '--disable-features=LocalNetworkAccessChecks',
];

/**
 * Serves the built renderer at `origin` from out/renderer, with no server: Playwright answers
 * each request. Any other request is refused and recorded in the returned list.
 */
export async function routeApp(context: BrowserContext, origin: string): Promise<string[]> {
  const externalRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== origin) {
      externalRequests.push(url.href);
      return route.abort('blockedbyclient');
    }
    const file = path.join(RENDERER_DIR, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
    if (!file.startsWith(RENDERER_DIR + path.sep)) return route.fulfill({ status: 404 });
    try {
      const body = await readFile(file);
      return route.fulfill({
        status: 200,
        body,
        contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  return externalRequests;
}
