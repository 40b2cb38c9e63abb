/**
 * The vision layer's tuning in one place: detection, tiles, FER framing, alignment, tracking,
 * smoothing and what counts as uncertain. Each value says why it is what it is; the modules that use
 * them (face-detector, scan, geometry, tracker) hold no numbers of their own.
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

/**
 * Where BlazeFace's six keypoints sit in a FER2013 face crop, as fractions of its side (x right, y
 * down): right eye, left eye, nose tip, mouth, right ear, left ear. The medians over 1,800 training
 * faces drawn at 64-400 px and found by the detector (`npm run bench:pipeline -- --split train`,
 * Dec 2026), made symmetric. Fitting a face's keypoints to these frames it as the training data is
 * framed, turned level, with six points' worth of evidence instead of the box alone (centre error
 * 4.6% of the side against 6.4%).
 */
export const FER_KEYPOINTS = [
  { x: 0.3154, y: 0.399 },
  { x: 0.6846, y: 0.399 },
  { x: 0.5, y: 0.592 },
  { x: 0.5, y: 0.77 },
  { x: 0.1197, y: 0.483 },
  { x: 0.8803, y: 0.483 },
] as const;
/**
 * A keypoint fit is believed when its points lie within this share of the crop's side of the
 * template on average (99% of detected FER2013 faces do; a profile or a wrong keypoint does not),
 * its side is within this range of the box's crop, and its turn is within MAX_ALIGN_ANGLE.
 */
export const MAX_FIT_RESIDUAL = 0.2;
export const FIT_SIDE_RANGE = [0.7, 1.4] as const;
/** Beyond this tilt the keypoints are more likely wrong than the face that tilted. */
export const MAX_ALIGN_ANGLE = Math.PI / 4;

export const TRACKER = {
  /** Least box overlap (IoU) for a detection to continue a face: boxes move little between frames. */
  minOverlap: 0.3,
  /** Frames a face may go unseen and keep its number (detectors miss the odd frame). */
  maxMissed: 5,
  /** Weight of the new box against the smoothed one: steady boxes that still keep up with a moving head. */
  boxFollow: 0.6,
  /** Overlap below which a face's box jumps to where it was found instead of sliding there. */
  snapBelowOverlap: 0.5,
  /** Overlap a face unseen for a frame or more needs to keep its number (and its name). */
  minOverlapAfterGap: 0.6,
} as const;

export const SMOOTHING_FRAMES = {
  /** Frames averaged per face for its label by default: a sixth of a second at 30 fps stops flicker. */
  default: 5,
  /** Most the user may choose: a second at 30 fps, beyond which labels lag visibly behind the face. */
  max: 30,
} as const;

/** A label is shown as a guess ("sad?") below this confidence, or this margin over the runner-up. */
export const UNCERTAIN = { minConfidence: 0.4, minMargin: 0.1 } as const;

/**
 * Looking for faces too small for one pass over the whole frame. BlazeFace (short range) sees its
 * input at 128x128 and finds a face reliably when the face's FER crop is a quarter of that input or
 * more: 160 px in a 640x480 frame (93% found), but only 26% of 112 px faces (`npm run
 * bench:pipeline`). So besides the whole frame it looks in square tiles of the frame, each about
 * `tileOverFace` times the smallest face it must find, overlapping by half so that every face of
 * half a tile or less lies wholly inside one.
 */
export const SCAN = {
  /** Smallest face looked for (its FER crop's side, source pixels): a face 2-3 m from a laptop camera. */
  minFace: 48,
  /** In photos at least this share of the long side: a 12-megapixel photo at 48 px would take seconds. */
  stillMinFaceShare: 1 / 32,
  /**
   * A tile is this many times the smallest face it is meant to find: the detector's limit (a face a
   * quarter of its input), since each tile costs a detector call (4.3 ms in software-rendered
   * Chromium, whatever the tile's size).
   */
  tileOverFace: 4,
  /** Faces whose crop is at least this share of the frame's long side are found in the whole frame. */
  wholeFrameShare: 0.3,
  /** A tile's finds touching its inner edges (this share of its side) are faces cut in half: another tile holds them whole. */
  edgeMargin: 0.02,
  /** A find larger than this share of its tile belongs to a coarser pass (it may be a part of a face). */
  maxShareOfTile: 0.55,
  /**
   * New tiles looked in per live frame, besides the whole frame and the tiles around small faces
   * seen lately: one every fourth frame keeps 640x480 with two faces at the camera's 30 fps in
   * software-rendered Chromium (`npm run bench:live`: 29.1 fps, against 23 at one a frame); a new
   * small face is found within 4 s at 640x480 (30 tiles), 17 s at 1280x720 (125).
   */
  liveTilesPerFrame: 0.25,
  /**
   * Small faces the camera looks for again each frame, each in a tile of its own (a detector call
   * each); the others stand where they were last found until their turn comes, a few frames later.
   * With 17 small faces in view, detection takes 28 ms a frame instead of 78 (`npm run bench:live --
   * --faces 20`); 3 a frame measured no faster.
   */
  liveFollowPerFrame: 4,
  /** Video analysis looks at frames further apart in time, so it sweeps faster. */
  fileTilesPerFrame: 12,
  /** Frames a small face may go unseen and still have its tile looked in (as the tracker keeps its number). */
  maxMissed: 5,
} as const;

/** Side of the canvas a tile is drawn into for the detector: its own input size, so no pixel is wasted. */
export const TILE_INPUT = 128;
