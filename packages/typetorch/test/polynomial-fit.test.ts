// The seeds' polynomial fit: hand-written gradients and autograd agree and fit sin(x).
import { describe, it, expect } from 'vitest';
import { fitByHand, fitWithAutograd } from '../../../examples/polynomial-fit.js';

describe('polynomial fit of sin(x)', () => {
  it('reaches a loss below 15 with hand-written gradients and with autograd, with the same coefficients', async () => {
    const byHand = await fitByHand();
    const withAutograd = await fitWithAutograd();
    expect(byHand.loss).toBeLessThan(15);
    expect(withAutograd.loss).toBeLessThan(15);
    for (let i = 0; i < 4; i++) {
      expect(withAutograd.coefficients[i]).toBeCloseTo(byHand.coefficients[i], 4);
    }
    // sin(x) ≈ x - x³/6 near 0: the fit's linear and cubic terms have those signs and sizes.
    expect(byHand.coefficients[1]).toBeGreaterThan(0.7);
    expect(byHand.coefficients[3]).toBeLessThan(-0.05);
  });
});
