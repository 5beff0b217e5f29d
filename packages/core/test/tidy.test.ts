import { describe, expect, it } from 'vitest';
import * as torch from '@typetorch/core';
import '@typetorch/backend-cpu';
import type { Tensor } from '@typetorch/core';
import { retainWith } from '../src/tidy.js';

describe('tidy', () => {
  it('disposes the tensors created inside that are not returned', () => {
    let inner: Tensor | undefined;
    const result = torch.tidy(() => {
      inner = torch.ones(3);
      return inner.add(1);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(result.isDisposed).toBe(false);
    expect(result.tolistSync()).toEqual([2, 2, 2]);
  });

  it('keeps tensors returned in arrays, plain objects, Maps and Sets, at any depth', () => {
    const made: Tensor[] = [];
    const make = () => {
      const t = torch.zeros(1);
      made.push(t);
      return t;
    };
    const out = torch.tidy(() => {
      make();
      return { a: [make(), { b: make() }], m: new Map([['k', make()]]), s: new Set([make()]) };
    });
    expect(made[0].isDisposed).toBe(true);
    expect(made.slice(1).map((t) => t.isDisposed)).toEqual([false, false, false, false]);
    expect(out.a[0]).toBe(made[1]);
  });

  it('never frees the storage of a tensor created outside, even through a view made inside', () => {
    const outer = torch.arange(6).reshape(2, 3);
    torch.tidy(() => {
      outer.t();
      outer.index(0);
      outer.add(1);
    });
    expect(outer.isDisposed).toBe(false);
    expect(outer.tolistSync()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('keeps the storage of a returned view of an inner tensor', () => {
    let base: Tensor | undefined;
    const row = torch.tidy(() => {
      base = torch.arange(6).reshape(2, 3);
      return base.index(1);
    });
    expect(base!.isDisposed).toBe(false);
    expect(row.tolistSync()).toEqual([3, 4, 5]);
  });

  it('keep() exempts a tensor from disposal', () => {
    let kept: Tensor | undefined;
    let dropped: Tensor | undefined;
    torch.tidy(() => {
      kept = torch.keep(torch.ones(2));
      dropped = torch.ones(2);
    });
    expect(kept!.isDisposed).toBe(false);
    expect(dropped!.isDisposed).toBe(true);
  });

  it('hands returned tensors to the enclosing scope, which disposes them unless it returns them too', () => {
    let fromInner: Tensor | undefined;
    torch.tidy(() => {
      fromInner = torch.tidy(() => torch.ones(2));
      expect(fromInner.isDisposed).toBe(false);
    });
    expect(fromInner!.isDisposed).toBe(true);
    const survivor = torch.tidy(() => torch.tidy(() => torch.ones(2)));
    expect(survivor.isDisposed).toBe(false);
  });

  it('disposes everything when the function throws, and rethrows', () => {
    let t: Tensor | undefined;
    expect(() => torch.tidy(() => {
      t = torch.ones(2);
      throw new Error('boom');
    })).toThrow('boom');
    expect(t!.isDisposed).toBe(true);
  });

  it('waits for an async function before disposing', async () => {
    let temp: Tensor | undefined;
    const pending = torch.tidy(async () => {
      temp = torch.ones(2);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(temp.isDisposed).toBe(false);
      return temp.mul(3);
    });
    const result = await pending;
    expect(temp!.isDisposed).toBe(true);
    expect(result.tolistSync()).toEqual([3, 3]);
  });

  it('disposes everything when an async function rejects', async () => {
    let t: Tensor | undefined;
    await expect(torch.tidy(async () => {
      t = torch.ones(2);
      throw new Error('async boom');
    })).rejects.toThrow('async boom');
    expect(t!.isDisposed).toBe(true);
  });

  it('returns plain values unchanged', () => {
    expect(torch.tidy(() => 42)).toBe(42);
    expect(() => torch.tidy(5 as never)).toThrow('[tidy] expected a function, got number');
  });
});

describe('retainWith', () => {
  it('lets a tensor stored on an outer tensor (a gradient) outlive the scope', () => {
    const weight = torch.ones(2);
    let grad: Tensor | undefined;
    torch.tidy(() => {
      grad = torch.full([2], 0.5);
      retainWith(weight, grad);
    });
    expect(grad!.isDisposed).toBe(false);
  });

  it('moves the tensor only outward', () => {
    let stored: Tensor | undefined;
    torch.tidy(() => {
      const owner = torch.ones(2);
      stored = torch.ones(2);
      retainWith(owner, stored);
    });
    expect(stored!.isDisposed).toBe(true);
  });
});
