import { describe, expect, it } from 'vitest';
import { createReporter } from '../src/progress.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('reporter', () => {
  it('prints plain lines and no bar when the output is not a terminal', () => {
    const stream = fakeStream(false);
    const reporter = createReporter(stream);
    reporter.progress('epoch 1/1', 5, 10, 'loss 1.000');
    reporter.line('[1,  2000] loss: 2.187');
    reporter.endProgress();
    expect(stream.text).toBe('[1,  2000] loss: 2.187\n');
  });

  it('redraws one bar line on a terminal and clears it before printing a line', () => {
    const stream = fakeStream(true);
    const reporter = createReporter(stream);
    reporter.progress('epoch 1/2', 5, 10, 'loss 1.000');
    expect(stream.text).toBe(`\r\x1b[2Kepoch 1/2 ${'█'.repeat(15)}${'░'.repeat(15)} 5/10 loss 1.000`);
    stream.text = '';
    reporter.line('done');
    expect(stream.text).toBe('\r\x1b[2Kdone\n');
  });
});
