/**
 * Grayscale from RGBA with ITU-R BT.601 luma, as FER2013's faces were made grayscale. The dataset
 * decoder (training) and the live crops (the renderer) both use it, so the model sees one kind of gray.
 */
export function rgbaToLuma(rgba: ArrayLike<number>, out: { [index: number]: number }, scale = 1): void {
  const pixels = rgba.length / 4;
  for (let i = 0; i < pixels; i++) {
    out[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) * scale;
  }
}
