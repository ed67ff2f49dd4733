import { describe, expect, it } from 'vitest';
import { heapFlags, readConfig } from '../config.ts';

describe('the server’s heap growth setting (CASEWORK_HEAP_GROWTH_PERCENT)', () => {
  it.each([
    [undefined, 50, ['--heap-growing-percent=50']],
    ['', 50, ['--heap-growing-percent=50']],
    ['20', 20, ['--heap-growing-percent=20']],
    ['12.6', 12.6, ['--heap-growing-percent=13']],
    ['0', 0, []],
    ['-5', -5, []],
    ['100000', 100000, []],
    ['lots', 50, ['--heap-growing-percent=50']],
  ] as const)('%j → %d %% → %j', (value, percent, flags) => {
    const config = readConfig(value === undefined ? {} : { CASEWORK_HEAP_GROWTH_PERCENT: value });
    expect(config.heapGrowthPercent).toBe(percent);
    expect(heapFlags(config)).toEqual(flags);
  });
});
