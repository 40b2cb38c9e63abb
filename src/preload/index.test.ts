import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_METHODS, INVOKE_METHODS, IPC_CHANNELS, IPC_EVENTS, type EmotionMonitorApi } from '@shared/api';

// Preload runs in Electron; here its three Electron objects are stand-ins that record what it does.
const exposed: Record<string, unknown> = {};
const invoked: { channel: string; args: unknown[] }[] = [];
const subscribed = new Map<string, (event: unknown, value: unknown) => void>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      return channel === IPC_CHANNELS.deleteModel
        ? { ok: false, error: 'no such model' }
        : { ok: true, value: channel };
    },
    on: (channel: string, listener: (event: unknown, value: unknown) => void) => subscribed.set(channel, listener),
    off: (channel: string) => subscribed.delete(channel),
  },
  webUtils: { getPathForFile: () => '/dropped/file.mp4' },
}));

let api: EmotionMonitorApi;
beforeAll(async () => {
  await import('./index');
  api = exposed.api as EmotionMonitorApi;
});

describe('the preload bridge, derived from the contract’s tables', () => {
  it('exposes exactly the contract: every invoked method, every event and pathForFile', () => {
    expect(Object.keys(api).sort()).toEqual([...INVOKE_METHODS, ...EVENT_METHODS, 'pathForFile'].sort());
  });

  it('sends each method on its own channel with its arguments, and unwraps main’s answer', async () => {
    for (const method of INVOKE_METHODS) {
      const call = api[method] as (...args: unknown[]) => Promise<unknown>;
      if (method === 'deleteModel') continue;
      await expect(call({ probe: method })).resolves.toBe(IPC_CHANNELS[method]);
      expect(invoked.at(-1)).toEqual({ channel: IPC_CHANNELS[method], args: [{ probe: method }] });
    }
    await expect(api.deleteModel({ id: 'x' })).rejects.toThrow('no such model');
  });

  it('forwards each event from its channel to the listener, until unsubscribed', () => {
    for (const method of EVENT_METHODS) {
      const seen: unknown[] = [];
      const subscribe = api[method] as (listener: (value: unknown) => void) => () => void;
      const unsubscribe = subscribe((value) => seen.push(value));
      subscribed.get(IPC_EVENTS[method])!({}, { from: method });
      expect(seen).toEqual([{ from: method }]);
      unsubscribe();
      expect(subscribed.has(IPC_EVENTS[method])).toBe(false);
    }
  });

  it('asks Electron where a dropped file lives', () => {
    expect(api.pathForFile({} as File)).toBe('/dropped/file.mp4');
  });
});
