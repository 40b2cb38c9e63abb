/**
 * Draws the per-epoch curves of trained models as one SVG for docs/models.md:
 * `npx tsx scripts/plot-curves.ts OUT.svg MODEL_DIR...` (validation accuracy solid, training
 * accuracy dashed; training accuracy is measured on augmented faces, so it can sit below).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EpochRecord } from '../src/shared/training';

const WIDTH = 760;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 210, top: 20, bottom: 44 };
const COLOURS = ['#2b7bd6', '#d6542b', '#2ba84a', '#8a4fd6'];

interface Curve {
  name: string;
  history: EpochRecord[];
}

export function curvesSvg(curves: Curve[]): string {
  const epochs = Math.max(...curves.map((c) => c.history.length));
  const values = curves.flatMap((c) => c.history.flatMap((r) => [r.accuracy, r.valAccuracy]));
  const low = Math.floor(Math.min(...values) * 10) / 10;
  const high = Math.ceil(Math.max(...values) * 10) / 10;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number) => MARGIN.left + ((epoch - 1) / Math.max(1, epochs - 1)) * plotWidth;
  const y = (value: number) => MARGIN.top + (1 - (value - low) / (high - low)) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
  ];
  for (let v = low; v <= high + 1e-9; v += 0.1) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v * 100)}%</text>`,
    );
  }
  const step = epochs > 20 ? 10 : epochs > 10 ? 5 : 1;
  for (let e = 1; e <= epochs; e++) {
    if (e !== 1 && e % step !== 0) continue;
    parts.push(`<text x="${x(e)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${e}</text>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`,
  );
  curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const line = (key: 'accuracy' | 'valAccuracy') =>
      curve.history.map((r) => `${x(r.epoch).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${line('valAccuracy')}"/>`,
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4" points="${line('accuracy')}"/>`,
    );
    const legendY = MARGIN.top + 14 + i * 36;
    const legendX = MARGIN.left + plotWidth + 14;
    const last = curve.history.at(-1);
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${legendX + 28}" y="${legendY + 4}">${curve.name} validation${last ? ` (${(last.valAccuracy * 100).toFixed(1)}%)` : ''}</text>`,
      `<line x1="${legendX}" x2="${legendX + 22}" y1="${legendY + 16}" y2="${legendY + 16}" stroke="${colour}" stroke-dasharray="5 4"/>`,
      `<text x="${legendX + 28}" y="${legendY + 20}">${curve.name} training</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const [out, ...dirs] = process.argv.slice(2);
if (!out || dirs.length === 0) {
  console.error('Usage: npx tsx scripts/plot-curves.ts OUT.svg MODEL_DIR...');
  process.exit(2);
}
const curves = dirs.map((dir) => {
  const metadata = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as {
    name: string;
    history: EpochRecord[];
  };
  return { name: metadata.name, history: metadata.history };
});
writeFileSync(out, curvesSvg(curves));
console.error(`Wrote ${out}`);
