/** Webcam access: listing, opening, and errors a user can act on. */
import { errorMessage } from '@shared/errors';

export interface CameraInfo {
  deviceId: string;
  label: string;
}

export async function listCameras(): Promise<CameraInfo[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === 'videoinput')
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `Camera ${index + 1}` }));
}

/** A camera problem, worded for the user. */
export class CameraError extends Error {}

/** Turns getUserMedia's DOMExceptions into messages that say what to do. */
export function describeCameraError(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow Emotion Monitor to use the camera in your system settings, then press Start again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a camera, then press Start again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be started: another app may be using it. Close that app, then press Start again.';
    default:
      return `The camera could not be started (${errorMessage(error)}).`;
  }
}

/**
 * The frame sizes the live view may ask a camera for. 640x480 holds the camera's rate on two cores
 * with a few faces; the larger ones see smaller faces (a room, a face 2-3 m away) for more work a frame.
 */
export const CAMERA_RESOLUTIONS = ['640x480', '1280x720', '1920x1080'] as const;
export type CameraResolution = (typeof CAMERA_RESOLUTIONS)[number];

/**
 * Opens a camera at about `resolution` (the camera may offer less). A remembered camera that is
 * gone falls back to the default one rather than failing.
 */
export async function openCamera(
  deviceId: string | undefined,
  resolution: CameraResolution = '640x480',
): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('This system offers no camera access.');
  const [width, height] = resolution.split('x').map(Number);
  const video = (id?: string): MediaTrackConstraints => ({
    ...(id ? { deviceId: { exact: id } } : {}),
    width: { ideal: width },
    height: { ideal: height },
  });
  try {
    return await navigator.mediaDevices.getUserMedia({ video: video(deviceId), audio: false });
  } catch (error) {
    const gone = error instanceof DOMException && ['NotFoundError', 'OverconstrainedError'].includes(error.name);
    if (deviceId && gone) return openCamera(undefined, resolution);
    throw new CameraError(describeCameraError(error));
  }
}
