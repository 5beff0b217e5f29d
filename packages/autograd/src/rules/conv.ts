/**
 * Derivative rules of convolutions and pooling. Every gradient is another core op (the input and
 * weight gradients of the convolution, the forward convolution, scatter-like pooling gradients),
 * each with its own rule here, so gradients differentiate again (`gradgradcheck`).
 *
 * The three products of a convolution are mutually adjoint: with `F(x, w)` the forward convolution,
 * `Bi(gy, w)` its input gradient and `Bw(x, gy)` its weight gradient, all bilinear,
 * `⟨F(x, w), gy⟩ = ⟨x, Bi(gy, w)⟩ = ⟨w, Bw(x, gy)⟩`, which gives every rule below.
 *
 * @module
 */
import {
  type Conv2dParams, type OpAttrs, type Pair, type Tensor, type AvgPool2dOptions,
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, conv2dBackwardInput, conv2dBackwardWeight,
  conv2dForward, maxPool2dBackward,
} from '@typetorch/core';
import { defineRules } from './rule.js';

function paramsOf(attrs: OpAttrs): Conv2dParams {
  return {
    stride: attrs.stride as Pair,
    padding: attrs.padding as Pair,
    dilation: attrs.dilation as Pair,
    groups: attrs.groups as number,
  };
}

const spatial = (t: Tensor): Pair => [t.shape[2], t.shape[3]];

/** Gradients of `y = F(x, w) + b` (4-D operands). */
function convGrads(x: Tensor, w: Tensor, g: Tensor, params: Conv2dParams, needs: readonly boolean[]): (Tensor | null)[] {
  return [
    needs[0] ? conv2dBackwardInput(g, w, spatial(x), params) : null,
    needs[1] ? conv2dBackwardWeight(x, g, spatial(w), params) : null,
    needs[2] ? g.sum([0, 2, 3]) : null,
  ];
}

/** Gradients of `y = Bi(x, w) + b`, the transposed convolution of `x`. */
function transposedGrads(x: Tensor, w: Tensor, g: Tensor, params: Conv2dParams, needs: readonly boolean[]): (Tensor | null)[] {
  return [
    needs[0] ? conv2dForward(g, w, null, params, spatial(x)) : null,
    needs[1] ? conv2dBackwardWeight(g, x, spatial(w), params) : null,
    needs[2] ? g.sum([0, 2, 3]) : null,
  ];
}

function avgOptions(attrs: OpAttrs): AvgPool2dOptions {
  return {
    kernelSize: attrs.kernelSize as Pair,
    stride: attrs.stride as Pair,
    padding: attrs.padding as Pair,
    ceilMode: attrs.ceilMode as boolean,
    countIncludePad: attrs.countIncludePad as boolean,
    divisorOverride: attrs.divisorOverride as number | null,
  };
}

defineRules({
  conv2d: {
    name: 'ConvolutionBackward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [x, w], attrs, needsInputGrad }, [g]) => convGrads(x, w, g, paramsOf(attrs), needsInputGrad),
  },
  conv1d: {
    name: 'ConvolutionBackward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [x, w], attrs, needsInputGrad }, [g]) => {
      const [gx, gw, gb] = convGrads(x.unsqueeze(2), w.unsqueeze(2), g.unsqueeze(2), paramsOf(attrs), needsInputGrad);
      return [gx?.squeeze(2) ?? null, gw?.squeeze(2) ?? null, gb];
    },
  },
  convTranspose2d: {
    name: 'ConvolutionBackward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [x, w], attrs, needsInputGrad }, [g]) => transposedGrads(x, w, g, paramsOf(attrs), needsInputGrad),
  },
  conv2dBackwardInput: {
    // gx = Bi(gy, w): linear in each operand.
    name: 'ConvolutionBackwardBackward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [gy, w], attrs, needsInputGrad: n }, [g]) => {
      const params = paramsOf(attrs);
      return [
        n[0] ? conv2dForward(g, w, null, params, spatial(gy)) : null,
        n[1] ? conv2dBackwardWeight(g, gy, spatial(w), params) : null,
      ];
    },
  },
  conv2dBackwardWeight: {
    // gw = Bw(x, gy): linear in each operand.
    name: 'ConvolutionBackwardBackward0',
    saves: { inputs: [0, 1] },
    backward: ({ inputs: [x, gy], attrs, needsInputGrad: n }, [g]) => {
      const params = paramsOf(attrs);
      return [
        n[0] ? conv2dBackwardInput(gy, g, spatial(x), params) : null,
        n[1] ? conv2dForward(x, g, null, params, spatial(gy)) : null,
      ];
    },
  },
  maxPool2dWithIndices: {
    name: 'MaxPool2DWithIndicesBackward0',
    saves: { outputs: true },
    backward: ({ outputs: [, indices], attrs }, [g]) => [maxPool2dBackward(g, indices, attrs.inputShape as number[])],
  },
  adaptiveMaxPool2d: {
    name: 'AdaptiveMaxPool2DBackward0',
    saves: { outputs: true },
    backward: ({ outputs: [, indices], attrs }, [g]) => [maxPool2dBackward(g, indices, attrs.inputShape as number[])],
  },
  maxPool2dBackward: {
    // Linear in the output gradient: its adjoint gathers at the same indices.
    name: 'MaxPool2DWithIndicesBackwardBackward0',
    saves: { inputs: [1] },
    backward: ({ inputs: [gy, indices] }, [g]) => [g.flatten(-2).gather(-1, indices.flatten(-2)).view([...gy.shape]), null],
  },
  avgPool2d: {
    name: 'AvgPool2DBackward0',
    backward: ({ inputs: [x], attrs }, [g]) => [avgPool2dBackward(g, x.shape, avgOptions(attrs))],
  },
  avgPool2dBackward: {
    name: 'AvgPool2DBackwardBackward0',
    backward: ({ attrs }, [g]) => [avgPool2d(g, avgOptions(attrs))],
  },
  adaptiveAvgPool2d: {
    name: 'AdaptiveAvgPool2DBackward0',
    backward: ({ attrs }, [g]) => [adaptiveAvgPool2dBackward(g, attrs.inputShape as number[])],
  },
  adaptiveAvgPool2dBackward: {
    name: 'AdaptiveAvgPool2DBackwardBackward0',
    backward: ({ inputs: [gy] }, [g]) => [adaptiveAvgPool2d(g, [gy.shape[gy.ndim - 2], gy.shape[gy.ndim - 1]])],
  },
});
