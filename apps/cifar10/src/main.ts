/**
 * `pnpm cifar10`: PyTorch's "Training a classifier" tutorial end to end, in TypeScript. Loads CIFAR-10
 * (or, offline, a synthetic stand-in), saves a grid of training images, trains the tutorial Net,
 * reports test accuracy overall and per class, and writes the model, a predictions grid and a loss plot.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as torch from 'typetorch';
import { parseOptions, USAGE, UsageError, type Options } from './args.js';
import { loadData } from './data.js';
import { prepareDevice } from './device.js';
import { accuracy, accuracyLines, evaluate } from './evaluate.js';
import { firstImages, saveGrid, savePredictions } from './images.js';
import { Net } from './net.js';
import { writeLossPlot } from './plot.js';
import { createReporter, type Reporter } from './progress.js';
import { train } from './train.js';

/** Runs the whole tutorial with `options`, writing lines to `reporter`. */
export async function runApp(options: Options, reporter: Reporter): Promise<void> {
  const deviceNote = await prepareDevice(options.device);
  if (deviceNote !== undefined) reporter.line(deviceNote);
  if (options.seed !== undefined) torch.manualSeed(options.seed);
  await mkdir(options.out, { recursive: true });

  const data = await loadData({ ...options, download: true, seed: options.seed ?? 0 });
  const prefix = data.synthetic ? '[synthetic] ' : '';
  const tag = data.synthetic ? '.synthetic' : '';
  const out = (name: string, ext: string) => join(options.out, `${name}${tag}.${ext}`);
  if (data.notice) reporter.line(data.notice);
  else if (data.synthetic) reporter.line('[synthetic] --synthetic: training on the built-in SYNTHETIC 10-class dataset, not CIFAR-10');
  reporter.line(`${prefix}${data.trainset.length} training images, ${data.testset.length} test images, classes: ${data.classes.join(' ')}`);

  const sample = await firstImages(data.trainset, 16);
  await saveGrid(sample.images, out('train-grid', 'png'));
  reporter.line(`${prefix}${sample.labels.map((l) => data.classes[l].padEnd(5)).join(' ')}`);

  const net = new Net();
  if (options.device !== 'cpu') net.to(options.device);
  const result = await train(net, data.trainLoader, { ...options, prefix, device: options.device }, reporter);
  reporter.line(`${prefix}Finished Training (${result.seconds.toFixed(1)} s, ${(result.images / result.seconds).toFixed(0)} images/s)`);
  await torch.save(net.stateDict(), out('cifar_net', 'pt'));

  const evaluation = await evaluate(net, data.testLoader, data.classes.length, 32, options.device);
  for (const line of accuracyLines(evaluation, data.classes, prefix)) reporter.line(line);

  const shown = await firstImages(data.testset, evaluation.predictions.length);
  const title = `${data.synthetic ? 'SYNTHETIC dataset' : 'CIFAR-10'}: first ${shown.labels.length} test images, ` +
    `test accuracy ${accuracy(evaluation).toFixed(1)} %`;
  await savePredictions(shown.images, evaluation.predictions, evaluation.truths, data.classes,
    out('test-predictions', 'png'), out('test-predictions', 'txt'), title);
  await writeLossPlot(out('loss', 'svg'), result.losses,
    `Training loss (${data.synthetic ? 'SYNTHETIC dataset' : 'CIFAR-10'}, batch ${options.batchSize}, lr ${options.lr})`);
  reporter.line(`${prefix}wrote ${['cifar_net.pt', 'train-grid.png', 'test-predictions.png', 'test-predictions.txt', 'loss.svg']
    .map((f) => out(f.slice(0, f.lastIndexOf('.')), f.slice(f.lastIndexOf('.') + 1))).join(', ')}`);
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`cifar10: ${(error as Error).message}\n(see pnpm cifar10 --help)`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  // `pnpm cifar10` runs in apps/cifar10; relative paths mean what they meant where pnpm was invoked.
  const invokedIn = process.env.INIT_CWD ?? process.cwd();
  options = { ...options, dataDir: resolve(invokedIn, options.dataDir), out: resolve(invokedIn, options.out) };
  try {
    await runApp(options, createReporter());
  } catch (error) {
    console.error(`cifar10: ${error instanceof UsageError ? error.message : (error as Error).stack ?? error}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

await main();
