/**
 * Grayscale from RGBA with ITU-R BT.601 luma, as FER2013's faces were made grayscale. The dataset
 * decoder (training) and the live crops (the renderer's cropFace) both use `luma`, so the model sees one kind of gray.
 */
export function rgbaToLuma(rgba: ArrayLike<number>, out: { [index: number]: number }, scale = 1): void {
  const pixels = rgba.length / 4;
  for (let i = 0; i < pixels; i++) out[i] = luma(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]) * scale;
}

/** One pixel's luma, 0 to 255 for bytes. */
export function luma(red: number, green: number, blue: number): number {
  return 0.299 * red + 0.587 * green + 0.114 * blue;
}
