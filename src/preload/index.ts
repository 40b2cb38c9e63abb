import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  EVENT_METHODS,
  INVOKE_METHODS,
  IPC_CHANNELS,
  IPC_EVENTS,
  type EmotionMonitorApi,
  type EventMethod,
  type InvokeMethod,
  type IpcResult,
} from '@shared/api';

async function invoke(channel: string, ...args: unknown[]): Promise<unknown> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<unknown>;
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** Forwards an event from main to `listener` (without the IPC event object); returns the unsubscribe. */
function subscribe(channel: string, listener: (value: unknown) => void): () => void {
  const forward = (_event: unknown, value: unknown) => listener(value);
  ipcRenderer.on(channel, forward);
  return () => ipcRenderer.off(channel, forward);
}

// Every method and event comes from the contract's tables (src/shared/api.ts): nothing to add here.
const invokers = Object.fromEntries(
  INVOKE_METHODS.map((method) => [method, (...args: unknown[]) => invoke(IPC_CHANNELS[method], ...args)]),
) as Pick<EmotionMonitorApi, InvokeMethod>;
const subscribers = Object.fromEntries(
  EVENT_METHODS.map((method) => [
    method,
    (listener: (value: unknown) => void) => subscribe(IPC_EVENTS[method], listener),
  ]),
) as Pick<EmotionMonitorApi, EventMethod>;

const api: EmotionMonitorApi = {
  ...invokers,
  ...subscribers,
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('api', api);
