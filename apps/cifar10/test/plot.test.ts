import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lossPlotSvg, writeLossPlot } from '../src/plot.js';

describe('loss plot', () => {
  const points = [{ step: 10, loss: 2.3 }, { step: 20, loss: 1.15 }, { step: 40, loss: 0 }];

  it('draws one polyline through the points, scaled to the plot area', () => {
    const svg = lossPlotSvg(points, 'Training loss');
    const path = /<path d="([^"]+)"/.exec(svg)?.[1];
    // x: 56 + 568 * step / 40; y: 36 + 284 - 284 * loss / 2.3 (the highest loss touches the top).
    expect(path).toBe('M198.0,36.0 L340.0,178.0 L624.0,320.0');
    expect(svg.match(/<path /g)).toHaveLength(1);
  });

  it('labels the axes with the loss range and the number of mini-batches, and escapes the title', () => {
    const svg = lossPlotSvg(points, 'loss <synthetic> & more');
    expect(svg).toContain('>2.30</text>');
    expect(svg).toContain('>0.00</text>');
    expect(svg).toContain('mini-batch (40 in all)');
    expect(svg).toContain('loss &lt;synthetic&gt; &amp; more');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('writes an SVG file with no curve when there are no points', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'cifar10-plot-')), 'loss.svg');
    await writeLossPlot(file, [], 'empty');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('</svg>');
    expect(text).not.toContain('<path');
  });
});
