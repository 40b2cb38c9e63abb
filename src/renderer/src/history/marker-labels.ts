/** Where a marker's label is drawn: its text (maybe shortened), its left edge and its row from the top. */
export interface MarkerLabel {
  text: string;
  left: number;
  width: number;
  row: number;
}

export interface LabelLayout {
  /** The plot's left and right edges: no label crosses them. */
  left: number;
  right: number;
  /** Rows of labels available from the top of the plot. */
  rows: number;
  /** Space between a label and its line, and between two labels. */
  gap: number;
  /** Inner padding of a label's box, each side. */
  padding: number;
}

/**
 * Lays out marker labels so none overlaps another or the plot's edges: each sits right of its line
 * (left of it near the right edge), in the first row where it is clear of the labels before it;
 * a label wider than the plot is shortened with an ellipsis. Where no row is clear beside its line,
 * the marker keeps its line without text (the chart's legend names it as the cursor passes).
 * Markers are given by their line's x; the labels come back in the same order.
 */
export function layoutMarkerLabels(
  markers: readonly { x: number; text: string }[],
  layout: LabelLayout,
  measure: (text: string) => number,
): MarkerLabel[] {
  const { left, right, rows, gap, padding } = layout;
  const rowEnds = new Array<number>(rows).fill(-Infinity);
  const placed = new Array<MarkerLabel>(markers.length);
  const order = markers.map((_, i) => i).sort((a, b) => markers[a].x - markers[b].x);
  for (const index of order) {
    const { x } = markers[index];
    const boxOf = (shown: string) => (shown ? measure(shown) + 2 * padding : 0);
    const fitted = shorten(markers[index].text, right - left - 2 * padding, measure);
    const width = boxOf(fitted);
    let start = x + gap + width > right ? x - gap - width : x + gap;
    start = Math.max(left, Math.min(start, right - width));
    const row = rowEnds.findIndex((end) => end + gap <= start);
    if (row < 0 || !fitted) {
      placed[index] = { text: '', left: x, width: 0, row: 0 };
      continue;
    }
    placed[index] = { text: fitted, left: start, width, row };
    rowEnds[row] = start + width;
  }
  return placed;
}

/** `text`, cut with an ellipsis to fit `maxWidth`; empty when not even one letter and the ellipsis fit. */
export function shorten(text: string, maxWidth: number, measure: (text: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  let low = 0;
  let high = text.length - 1;
  // The longest prefix that fits with the ellipsis.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? '' : `${text.slice(0, low).trimEnd()}…`;
}
