import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../src/args.js';

describe('parseOptions', () => {
  it('gives the tutorial defaults when no flags are passed', () => {
    expect(parseOptions([])).toEqual({
      epochs: 2, batchSize: 4, lr: 0.001, momentum: 0.9, workers: 0, device: 'cpu',
      dataDir: './data', out: './out', seed: undefined, synthetic: false, help: false,
    });
  });

  it('reads every flag', () => {
    const options = parseOptions([
      '--epochs', '1', '--batch-size', '64', '--lr', '0.01', '--momentum', '0.5', '--workers', '2',
      '--device', 'webgpu', '--data-dir', '/tmp/d', '--out', '/tmp/o', '--seed', '7', '--synthetic', '--help',
    ]);
    expect(options).toEqual({
      epochs: 1, batchSize: 64, lr: 0.01, momentum: 0.5, workers: 2, device: 'webgpu',
      dataDir: '/tmp/d', out: '/tmp/o', seed: 7, synthetic: true, help: true,
    });
  });

  it('ignores the leading -- that pnpm passes through', () => {
    expect(parseOptions(['--', '--epochs', '3']).epochs).toBe(3);
  });

  it('accepts --flag=value', () => {
    expect(parseOptions(['--batch-size=16']).batchSize).toBe(16);
  });

  it.each([
    [['--epochs', '0'], /--epochs: expected a positive integer, got '0'/],
    [['--batch-size', '2.5'], /--batch-size: expected a positive integer, got '2.5'/],
    [['--lr', 'fast'], /--lr: expected a positive number, got 'fast'/],
    [['--momentum', '1'], /--momentum: expected a number in \[0, 1\), got '1'/],
    [['--workers=-1'], /--workers: expected a non-negative integer, got '-1'/],
    [['--device', 'cuda'], /--device: expected cpu or webgpu, got 'cuda'/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with a UsageError naming the flag', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
