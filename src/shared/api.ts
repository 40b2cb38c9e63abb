/**
 * The one contract between the renderer and the main process. The preload script exposes exactly
 * this interface as `window.api`; the main process implements it and validates every payload.
 */
export interface AppInfo {
  name: string;
  version: string;
  /** Electron, Chromium and Node versions of the running app. */
  versions: Record<string, string>;
}

export interface EmotionMonitorApi {
  getAppInfo(): Promise<AppInfo>;
}

/** IPC channel names, one per API method. */
export const IPC_CHANNELS = {
  getAppInfo: 'app:get-info',
} as const satisfies Record<keyof EmotionMonitorApi, string>;
