/** What faces are looked for in: the camera's or a file's video, or a decoded photo. */
export type DetectionSource = HTMLVideoElement | ImageBitmap | HTMLCanvasElement;

/** A source's size in pixels (a video's frame, not its size on screen). */
export function sourceSize(source: DetectionSource): { width: number; height: number } {
  return source instanceof HTMLVideoElement
    ? { width: source.videoWidth, height: source.videoHeight }
    : { width: source.width, height: source.height };
}

/** A User Timing entry per scaled frame: the copy down to the detector's width, part of detection. */
export const SCALE_MEASURE = 'emotion-monitor:detect-scale';
