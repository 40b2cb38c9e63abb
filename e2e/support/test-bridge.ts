/**
 * The e2e test bridge: runs the real main-process API (handlers, validation, the ML host with the
 * real model on a worker thread) in the test process and exposes it to a page in Chromium as
 * `window.api`, as preload does in the app. Typed arrays cross as tagged plain arrays because
 * Playwright bindings carry JSON.
 */
import type { Page } from '@playwright/test';
import type { AppInfo, MlStatus } from '../../src/shared/api';
import { createApiHandlers, invokeHandler, isInvokeMethod } from '../../src/main/api/handlers';
import { MlHostClient, type HostChannel } from '../../src/main/ml/host/client';
import { spawnWorkerHost } from '../../src/main/ml/host/worker-channel';
import { DEFAULT_MODEL_DIR } from './paths';

/** A Float32Array as it crosses the binding: its bytes in base64 (JSON of the numbers is several times slower). */
type Tagged = { __float32: string };

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    if ('__float32' in value) {
      const bytes = Buffer.from((value as Tagged).__float32, 'base64');
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    }
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, decode(entry)]));
  }
  return value;
}

function encode(value: unknown): unknown {
  if (value instanceof Float32Array)
    return { __float32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encode(entry)]));
  }
  return value;
}

/** Runs in the page before its scripts: the same `window.api` surface preload exposes. */
function pageBridge(): void {
  type Listener = (status: unknown) => void;
  const listeners = new Set<Listener>();
  const toBase64 = (array: Float32Array): string => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
  const fromBase64 = (text: string): Float32Array => {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Float32Array(bytes.buffer);
  };
  const encodeArg = (value: unknown): unknown => {
    if (value instanceof Float32Array) return { __float32: toBase64(value) };
    if (Array.isArray(value)) return value.map(encodeArg);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encodeArg(entry)]));
    }
    return value;
  };
  const decodeResult = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decodeResult);
    if (value && typeof value === 'object') {
      if ('__float32' in value) return fromBase64((value as { __float32: string }).__float32);
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, decodeResult(entry)]));
    }
    return value;
  };
  const bridge = window as unknown as {
    __emotionMonitorInvoke: (
      method: string,
      args: unknown[],
    ) => Promise<{ ok: boolean; value?: unknown; error?: string }>;
    __emotionMonitorStatus: (status: unknown) => void;
    api: unknown;
  };
  const invoke = async (method: string, args: unknown[]) => {
    const result = await bridge.__emotionMonitorInvoke(method, args.map(encodeArg));
    if (!result.ok) throw new Error(result.error);
    return decodeResult(result.value);
  };
  bridge.__emotionMonitorStatus = (status) => listeners.forEach((listener) => listener(status));
  bridge.api = {
    getAppInfo: (...args: unknown[]) => invoke('getAppInfo', args),
    classifyFaces: (...args: unknown[]) => invoke('classifyFaces', args),
    getMlStatus: (...args: unknown[]) => invoke('getMlStatus', args),
    onMlStatus: (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface TestBridge {
  ml: MlHostClient;
  /** Kills the ML host as a crash would. */
  killMlHost(): void;
  dispose(): void;
}

export async function installTestBridge(page: Page): Promise<TestBridge> {
  let channel: HostChannel | undefined;
  const ml = new MlHostClient({
    spawn: () => (channel = spawnWorkerHost()),
    modelDir: DEFAULT_MODEL_DIR,
    onStatus: (status: MlStatus) => {
      void page
        .evaluate(
          (s) => (window as unknown as { __emotionMonitorStatus?: (s: unknown) => void }).__emotionMonitorStatus?.(s),
          status,
        )
        .catch(() => undefined);
    },
    restartDelayMs: 100,
  });
  await ml.start();
  const handlers = createApiHandlers({
    ml,
    appInfo: (): AppInfo => ({ name: 'emotion-monitor', version: 'test', versions: { node: process.versions.node } }),
  });
  await page.exposeBinding('__emotionMonitorInvoke', async (_source, method: unknown, args: unknown) => {
    if (!isInvokeMethod(handlers, method)) return { ok: false, error: `Unknown method ${String(method)}` };
    return encode(await invokeHandler(handlers, method, Array.isArray(args) ? args.map(decode) : []));
  });
  await page.addInitScript(pageBridge);
  return {
    ml,
    killMlHost: () => channel?.kill(),
    dispose: () => ml.dispose(),
  };
}
