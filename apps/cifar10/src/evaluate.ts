/** Test-set accuracy, overall and per class, printed in the tutorial's words. */
import * as torch from 'typetorch';
import type { Batches } from './train.js';

/** Accuracy counts, and the first few predictions (for the predictions grid). */
export interface Evaluation {
  correct: number;
  total: number;
  classCorrect: number[];
  classTotal: number[];
  /** Predicted labels of the first `keep` test images, in order. */
  predictions: number[];
  /** True labels of the same images. */
  truths: number[];
}

/** Runs `net` (in eval mode, without gradients) over `batches` of a `numClasses`-class test set. */
export async function evaluate(net: torch.nn.Module, batches: Batches, numClasses: number, keep = 32, device = 'cpu'): Promise<Evaluation> {
  const result: Evaluation = {
    correct: 0, total: 0,
    classCorrect: new Array<number>(numClasses).fill(0), classTotal: new Array<number>(numClasses).fill(0),
    predictions: [], truths: [],
  };
  net.eval();
  for await (const batch of batches) {
    let [images, labels] = batch;
    if (device !== 'cpu') [images, labels] = [images.to(device), labels.to(device)];
    const predicted = torch.tidy(() => torch.noGrad(() => net.call(images).argmax(1)));
    const [p, t] = [(await predicted.tolist()) as number[], (await labels.tolist()) as number[]];
    predicted.dispose();
    if (device !== 'cpu') {
      images.dispose();
      labels.dispose();
    }
    for (let k = 0; k < p.length; k++) {
      result.total += 1;
      result.classTotal[t[k]] += 1;
      if (p[k] === t[k]) {
        result.correct += 1;
        result.classCorrect[t[k]] += 1;
      }
      if (result.predictions.length < keep) {
        result.predictions.push(p[k]);
        result.truths.push(t[k]);
      }
    }
  }
  net.train();
  return result;
}

/** Overall accuracy in percent. */
export function accuracy(evaluation: Evaluation): number {
  return evaluation.total === 0 ? 0 : (100 * evaluation.correct) / evaluation.total;
}

/** The tutorial's report: the overall line (integer percent, as `100 * correct // total`) and one line per class. */
export function accuracyLines(evaluation: Evaluation, classes: readonly string[], prefix = ''): string[] {
  const overall = Math.floor((100 * evaluation.correct) / Math.max(1, evaluation.total));
  const lines = [`${prefix}Accuracy of the network on the ${evaluation.total} test images: ${overall} %`];
  classes.forEach((name, c) => {
    const percent = evaluation.classTotal[c] === 0 ? 0 : (100 * evaluation.classCorrect[c]) / evaluation.classTotal[c];
    lines.push(`${prefix}Accuracy for class: ${name.padEnd(5)} is ${percent.toFixed(1)} %`);
  });
  return lines;
}
