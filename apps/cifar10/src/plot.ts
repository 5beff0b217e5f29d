/** The training-loss plot: a small self-contained SVG line chart (no plotting library needed). */
import { writeFile } from 'node:fs/promises';
import type { LossPoint } from './train.js';

const WIDTH = 640, HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 36, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders the loss curve as an SVG document: x is the mini-batch, y the mean loss, with a title. */
export function lossPlotSvg(points: readonly LossPoint[], title: string): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right, plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxStep = Math.max(1, ...points.map((p) => p.step));
  const maxLoss = Math.max(1e-9, ...points.map((p) => p.loss));
  const x = (step: number) => MARGIN.left + (plotW * step) / maxStep;
  const y = (loss: number) => MARGIN.top + plotH - (plotH * loss) / maxLoss;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const loss = maxLoss * f, ty = y(loss).toFixed(1);
    return `<line x1="${MARGIN.left}" y1="${ty}" x2="${WIDTH - MARGIN.right}" y2="${ty}" stroke="#ddd"/>` +
      `<text x="${MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${loss.toFixed(2)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
    ...ticks,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${WIDTH - MARGIN.right}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="black"/>`,
    `<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 10}" text-anchor="end">mini-batch (${maxStep} in all)</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})" text-anchor="middle">training loss</text>`,
    points.length > 0 ? `<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="2"/>` : '',
    '</svg>',
    '',
  ].join('\n');
}

/** Writes the loss plot to `path`. */
export async function writeLossPlot(path: string, points: readonly LossPoint[], title: string): Promise<void> {
  await writeFile(path, lossPlotSvg(points, title));
}
