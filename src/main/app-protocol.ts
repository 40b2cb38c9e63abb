import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveAppFile } from './security';

/** The types the renderer's files are served as; anything else is plain bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The app:// protocol's answer: the renderer file a URL names, read from disk here. Reading it
 * ourselves rather than with net.fetch('file://…') keeps file: requests out of webRequest, which
 * refuses them (Electron 42 and later send such fetches through it: electron/electron#45915).
 */
export async function serveAppFile(rendererRoot: string, url: string): Promise<Response> {
  const file = resolveAppFile(rendererRoot, url);
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(new Uint8Array(body), { headers: { 'Content-Type': type } });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
