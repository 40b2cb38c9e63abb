import { shell, systemPreferences } from 'electron';
import type { CameraAccess } from '@shared/api';

/** The system's page for the camera's privacy settings, where it has one. */
const CAMERA_SETTINGS: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Camera',
  win32: 'ms-settings:privacy-webcam',
};

/**
 * macOS gives an app the camera only once the user has said yes in its own prompt (which needs
 * NSCameraUsageDescription, set by electron-builder.config.mjs); asked before the first use, it
 * is asked once and remembered. Elsewhere the page's permission request (security.ts) decides.
 */
export const cameraAccess = {
  async requestAccess(): Promise<CameraAccess> {
    if (process.platform !== 'darwin') return 'granted';
    const status = systemPreferences.getMediaAccessStatus('camera');
    if (status === 'granted' || status === 'denied' || status === 'restricted') return status;
    return (await systemPreferences.askForMediaAccess('camera')) ? 'granted' : 'denied';
  },
  async openSettings(): Promise<boolean> {
    const page = CAMERA_SETTINGS[process.platform];
    if (!page) return false;
    await shell.openExternal(page);
    return true;
  },
};
