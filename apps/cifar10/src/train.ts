/**
 * The tutorial's training loop: CrossEntropyLoss + SGD with momentum, printing the running loss every
 * 2000 mini-batches as `[1,  2000] loss: 2.187`, with a progress bar on a terminal.
 */
import * as torch from 'typetorch';
import type { Reporter } from './progress.js';

/** Mini-batches of (images, labels), e.g. a DataLoader. */
export interface Batches {
  readonly length: number;
  [Symbol.asyncIterator](): AsyncIterator<readonly [torch.Tensor, torch.Tensor]>;
}

/** One point of the loss curve: the mean loss over the mini-batches up to `step` since the last point. */
export interface LossPoint {
  /** Mini-batches seen so far, over all epochs. */
  step: number;
  loss: number;
}

/** Settings of a training run. */
export interface TrainOptions {
  epochs: number;
  lr: number;
  momentum: number;
  /** Print the running loss every this many mini-batches (the tutorial: 2000). */
  logEvery?: number;
  /** Points on the loss curve per epoch (default 50). */
  pointsPerEpoch?: number;
  /** Prefix of every printed line, e.g. '[synthetic] '. */
  prefix?: string;
  device?: string;
}

/** What a run produced. */
export interface TrainResult {
  losses: LossPoint[];
  seconds: number;
  images: number;
}

/** Trains `net` in place on `batches` and returns the loss curve and timing. */
export async function train(net: torch.nn.Module, batches: Batches, options: TrainOptions, reporter: Reporter): Promise<TrainResult> {
  const { epochs, lr, momentum, logEvery = 2000, pointsPerEpoch = 50, prefix = '', device = 'cpu' } = options;
  const criterion = new torch.nn.CrossEntropyLoss();
  const optimizer = new torch.optim.SGD(net.parameters(), { lr, momentum });
  const plotEvery = Math.max(1, Math.floor(batches.length / pointsPerEpoch));
  const losses: LossPoint[] = [];
  const started = performance.now();
  let step = 0, images = 0, plotSum = 0, plotCount = 0;
  net.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    let runningLoss = 0, i = 0;
    for await (const batch of batches) {
      let [inputs, labels] = batch;
      if (device !== 'cpu') [inputs, labels] = [inputs.to(device), labels.to(device)];
      // tidy frees the step's intermediates at once (device memory would otherwise wait for the GC).
      const loss = torch.tidy(() => {
        optimizer.zeroGrad();
        const stepLoss = criterion.call(net.call(inputs), labels);
        stepLoss.backward();
        optimizer.step();
        return stepLoss.detach();
      });
      const value = Number(await loss.item());
      loss.dispose();
      if (device !== 'cpu') {
        inputs.dispose();
        labels.dispose();
      }
      runningLoss += value;
      plotSum += value;
      plotCount += 1;
      i += 1;
      step += 1;
      images += inputs.shape[0];
      if (plotCount === plotEvery) {
        losses.push({ step, loss: plotSum / plotCount });
        plotSum = 0;
        plotCount = 0;
      }
      if (i % logEvery === 0) {
        reporter.line(`${prefix}[${epoch + 1}, ${String(i).padStart(5)}] loss: ${(runningLoss / logEvery).toFixed(3)}`);
        runningLoss = 0;
      }
      if (i % 10 === 0 || i === batches.length) {
        reporter.progress(`${prefix}epoch ${epoch + 1}/${epochs}`, i, batches.length, `loss ${value.toFixed(3)}`);
      }
    }
  }
  if (plotCount > 0) losses.push({ step, loss: plotSum / plotCount });
  reporter.endProgress();
  return { losses, seconds: (performance.now() - started) / 1000, images };
}
