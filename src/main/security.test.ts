import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  isAppUrl,
  isPermissionAllowed,
  isRequestAllowed,
  isTrustedSender,
  resolveAppFile,
} from './security';

describe('request blocking', () => {
  it('lets the app load its own files and local data', () => {
    expect(isRequestAllowed(APP_ENTRY)).toBe(true);
    expect(isRequestAllowed('app://emotion-monitor/mediapipe/vision_wasm_internal.wasm')).toBe(true);
    expect(isRequestAllowed('data:image/png;base64,AAAA')).toBe(true);
    expect(isRequestAllowed('blob:app://emotion-monitor/0f1e')).toBe(true);
  });

  it("refuses MediaPipe's usage logging and every other remote host", () => {
    expect(isRequestAllowed('https://odml.pa.googleapis.com/v1/log')).toBe(false);
    expect(isRequestAllowed('https://storage.googleapis.com/mediapipe-models/face_detector.tflite')).toBe(false);
    expect(isRequestAllowed('http://localhost:5173/')).toBe(false);
    expect(isRequestAllowed('wss://example.com/socket')).toBe(false);
    expect(isRequestAllowed('file:///etc/passwd')).toBe(false);
    expect(isRequestAllowed('app://another-host/index.html')).toBe(false);
    expect(isRequestAllowed('not a url')).toBe(false);
  });

  it('allows the dev server and its hot-reload socket only while developing', () => {
    const dev = 'http://localhost:5173';
    expect(isRequestAllowed('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isRequestAllowed('ws://localhost:5173/', dev)).toBe(true);
    expect(isRequestAllowed('http://localhost:5174/', dev)).toBe(false);
    expect(isRequestAllowed('https://odml.pa.googleapis.com/v1/log', dev)).toBe(false);
  });
});

describe('camera permission', () => {
  it('is granted for video to the app page only', () => {
    expect(isPermissionAllowed('media', APP_ENTRY, ['video'])).toBe(true);
    expect(isPermissionAllowed('media', APP_ENTRY, undefined)).toBe(true);
    expect(isPermissionAllowed('media', APP_ENTRY, ['video', 'audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'https://example.com/', ['video'])).toBe(false);
    expect(isPermissionAllowed('geolocation', APP_ENTRY, undefined)).toBe(false);
    expect(isPermissionAllowed('notifications', APP_ENTRY, undefined)).toBe(false);
  });

  it('knows the app page by scheme and host', () => {
    expect(isAppUrl('app://emotion-monitor/index.html')).toBe(true);
    expect(isAppUrl('app://emotion-monitor.evil/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
  });
});

describe('app:// file resolution', () => {
  const root = path.resolve('/srv/app/renderer');
  it('maps app URLs to files under the renderer folder', () => {
    expect(resolveAppFile(root, 'app://emotion-monitor/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://emotion-monitor/assets/index.js?x=1')).toBe(path.join(root, 'assets/index.js'));
  });

  it('refuses paths that leave it, other hosts and broken escapes', () => {
    // The URL parser folds ../ and %2e%2e/ into the root; an encoded slash is the real attempt.
    expect(resolveAppFile(root, 'app://emotion-monitor/../../etc/passwd')).toBe(path.join(root, 'etc/passwd'));
    expect(resolveAppFile(root, 'app://emotion-monitor/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc/passwd'));
    expect(resolveAppFile(root, 'app://emotion-monitor/assets/..%2F..%2F..%2Fetc%2Fpasswd')).toBeUndefined();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeUndefined();
    expect(resolveAppFile(root, 'app://emotion-monitor/%E0%A4%A')).toBeUndefined();
  });
});

describe('IPC senders', () => {
  it("trust only the app's page in its top frame", () => {
    expect(isTrustedSender({ url: APP_ENTRY, parent: null })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY, parent: { url: APP_ENTRY } })).toBe(false); // a frame inside it
    expect(isTrustedSender({ url: 'https://example.com/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, 'http://localhost:5173')).toBe(true);
  });
});
