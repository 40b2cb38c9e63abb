/**
 * The live pipeline's tuning in one place: detection, FER framing, alignment, tracking, smoothing,
 * what counts as uncertain, and calibration. Each value says why it is what it is; the modules that
 * use them (face-detector, geometry, tracker, calibration, LiveView) hold no numbers of their own.
 */

/**
 * Frames wider than this are scaled down before detection. BlazeFace looks at 128x128 anyway, and
 * MediaPipe's cost grows with the frame it is handed (27 ms at 640x480 against 9 at 320x240 in
 * software-rendered Chromium); crops are still cut from the full frame.
 */
export const DETECTION_WIDTH = 320;
/** BlazeFace's own default: lower lets through hands and patterned backgrounds on the fixture. */
export const MIN_DETECTION_CONFIDENCE = 0.5;

/**
 * FER2013 framing around a detector box. BlazeFace's box is tighter and sits lower than a FER2013
 * face crop; measured on the e2e fixture (FER2013 faces), a square about 1.2x the box, moved up by
 * a tenth of its height, frames faces the way the training data does.
 */
export const FER_CROP_SCALE = 1.2;
export const FER_CROP_SHIFT_UP = 0.1;

/** Below this box width (video pixels) BlazeFace's eye keypoints are a pixel or two apart from the truth. */
export const MIN_ALIGNED_FACE = 40;
/** Beyond this tilt the keypoints are more likely wrong than the face that tilted. */
export const MAX_ALIGN_ANGLE = Math.PI / 4;
/**
 * Eye distance as a share of the box width: frontal faces measure about 0.4; profile views bring
 * the eyes together and mislabelled keypoints push them apart.
 */
export const EYE_SPAN_RANGE = [0.25, 0.7] as const;

export const TRACKER = {
  /** Least box overlap (IoU) for a detection to continue a face: boxes move little between frames. */
  minOverlap: 0.3,
  /** Frames a face may go unseen and keep its number (detectors miss the odd frame). */
  maxMissed: 5,
  /** Weight of the new box against the smoothed one: steady boxes that still keep up with a moving head. */
  boxFollow: 0.6,
} as const;

export const SMOOTHING_FRAMES = {
  /** Frames averaged per face for its label by default: a sixth of a second at 30 fps stops flicker. */
  default: 5,
  /** Most the user may choose: a second at 30 fps, beyond which labels lag visibly behind the face. */
  max: 30,
} as const;

/** A label is shown as a guess ("sad?") below this confidence, or this margin over the runner-up. */
export const UNCERTAIN = { minConfidence: 0.4, minMargin: 0.1 } as const;

/** How long a participant holds a neutral face for their baseline. */
export const CALIBRATION_MS = 3_000;
/** Fewest frames of the face a baseline may be the mean of (a slow machine sees a few a second). */
export const MIN_BASELINE_FRAMES = 5;
