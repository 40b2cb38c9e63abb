/**
 * The app's network and page rules, as pure functions (no electron import) so they are unit-tested.
 * The app page is served as app://emotion-monitor/ from the built renderer folder; nothing else
 * is ever fetched.
 */
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'emotion-monitor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Schemes that never reach the network. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'devtools:']);

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether `url` is the app's own page: app://emotion-monitor, or the dev server while developing. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST;
  const dev = devServerUrl ? parse(devServerUrl) : undefined;
  return dev !== undefined && parsed.origin === dev.origin;
}

/**
 * Whether an IPC call comes from the app's own page in its top frame (VS Code's validateEvent does
 * the same): a frame inside the page, were one ever loaded, gets no API.
 */
export function isTrustedSender(
  frame: { url: string; parent: unknown } | null | undefined,
  devServerUrl?: string,
): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url, devServerUrl);
}

/**
 * Whether a request may go ahead: the app's own files, local-only schemes, and the dev server
 * (with its hot-reload socket) while developing. Everything else, every remote host included, is
 * refused: no frame and no number leaves the machine.
 */
export function isRequestAllowed(url: string, devServerUrl?: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (LOCAL_SCHEMES.has(parsed.protocol)) return true;
  if (isAppUrl(url, devServerUrl)) return true;
  const dev = devServerUrl ? parse(devServerUrl) : undefined;
  return dev !== undefined && parsed.protocol.startsWith('ws') && parsed.host === dev.host;
}

/**
 * The file under `root` that an app:// URL names, or undefined when it is not an app URL or
 * would leave `root` (../ tricks, encoded or not).
 */
export function resolveAppFile(root: string, url: string): string | undefined {
  const parsed = parse(url);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  const file = path.resolve(root, `.${relative}`);
  return file.startsWith(path.resolve(root) + path.sep) ? file : undefined;
}

/** Permissions the page may have: the camera, for the app's own page only. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  mediaTypes: readonly string[] | undefined,
  devServerUrl?: string,
): boolean {
  if (!isAppUrl(requestingUrl, devServerUrl)) return false;
  if (permission !== 'media') return false;
  // Camera only: a request that includes the microphone is refused.
  return mediaTypes === undefined || mediaTypes.every((type) => type === 'video');
}
