import { describe, expect, it } from 'vitest';
import { layoutMarkerLabels, shorten, type MarkerLabel } from './marker-labels';

const measure = (text: string) => text.length * 7;
const layout = { left: 0, right: 400, rows: 2, gap: 4, padding: 4 };

function overlaps(a: MarkerLabel, b: MarkerLabel): boolean {
  return a.row === b.row && a.left < b.left + b.width && b.left < a.left + a.width;
}

function expectClear(labels: MarkerLabel[]): void {
  for (const [i, a] of labels.entries()) {
    expect(a.left).toBeGreaterThanOrEqual(layout.left);
    expect(a.left + a.width).toBeLessThanOrEqual(layout.right);
    for (const b of labels.slice(i + 1)) expect(overlaps(a, b), `${a.text} / ${b.text}`).toBe(false);
  }
}

describe('marker labels', () => {
  it('puts two close markers on rows of their own instead of over each other', () => {
    const labels = layoutMarkerLabels(
      [
        { x: 100, text: 'question 1' },
        { x: 130, text: 'break' },
      ],
      layout,
      measure,
    );
    expect(labels.map((l) => [l.text, l.row])).toEqual([
      ['question 1', 0],
      ['break', 1],
    ]);
    expectClear(labels);
  });

  it('turns a label at the right edge to the left of its line rather than cutting it', () => {
    const [label] = layoutMarkerLabels([{ x: 390, text: 'break' }], layout, measure);
    expect(label.text).toBe('break');
    expect(label.left + label.width).toBeLessThanOrEqual(390);
  });

  it('leaves a label out, never over another, when every row beside its line is taken; keeps the given order', () => {
    const markers = [
      { x: 300, text: 'fourth marker' },
      { x: 10, text: 'first marker' },
      { x: 20, text: 'second marker' },
      { x: 30, text: 'third marker with a long name' },
    ];
    const labels = layoutMarkerLabels(markers, layout, measure);
    expect(labels.map((l) => l.text)).toEqual(['fourth marker', 'first marker', 'second marker', '']);
    expectClear(labels.filter((l) => l.text));
    // Many markers close together in a narrow plot: all clear of each other and of the edges.
    const crowd = Array.from({ length: 30 }, (_, i) => ({ x: 5 + i * 13, text: `marker ${i + 1}` }));
    expectClear(layoutMarkerLabels(crowd, layout, measure).filter((l) => l.text));
  });

  it('shortens a label wider than the plot', () => {
    const [label] = layoutMarkerLabels([{ x: 10, text: 'a'.repeat(100) }], layout, measure);
    expect(label.text).toMatch(/^a+…$/);
    expectClear([label]);
  });

  it('cuts text to fit with an ellipsis, or to nothing', () => {
    expect(shorten('question', 100, measure)).toBe('question');
    expect(shorten('question', 35, measure)).toBe('ques…');
    expect(shorten('question', 10, measure)).toBe('');
  });
});
