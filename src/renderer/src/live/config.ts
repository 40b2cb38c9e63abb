/** The live view's own tuning: taking a participant's neutral baseline. */

/** How long a participant holds a neutral face for their baseline. */
export const CALIBRATION_MS = 3_000;
/** Fewest frames of the face a baseline may be the mean of (a slow machine sees a few a second). */
export const MIN_BASELINE_FRAMES = 5;
