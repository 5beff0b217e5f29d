// The benchmark's dataset: each get() does `work` rounds of floating-point arithmetic (a stand-in
// for decoding and augmenting an image) and returns a 3×32×32 float32 tensor and a label. Worker
// threads import this module by URL and build their own copy.
import * as torch from '@typetorch/core';
import '../../backend-cpu/dist/index.js';

export class HeavyDataset {
  constructor(n, work) {
    this.n = n;
    this.work = work;
  }

  get length() {
    return this.n;
  }

  get(i) {
    const pixels = new Float32Array(3 * 32 * 32);
    let s = i + 1;
    for (let r = 0; r < this.work; r++) {
      for (let k = 0; k < pixels.length; k++) {
        s = (s * 16807) % 2147483647;
        pixels[k] = 0.5 * pixels[k] + Math.sin(s) * 0.5;
      }
    }
    return [torch.fromTypedArray(pixels, [3, 32, 32]), i % 10];
  }
}
