import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOWED_GROWTH, BASELINE_FILE, judge, type GuardBaseline } from './sessions-guard';

describe('the sessions guard', () => {
  const baseline: GuardBaseline = { ratio: 1.5, measuredAt: '2026-12-06T00:00:00.000Z' };

  it('passes a detail query that costs up to twice the baseline, per sample, and fails a dearer one', () => {
    expect(judge(1.2, baseline).ok).toBe(true);
    expect(judge(1.5 * ALLOWED_GROWTH, baseline).ok).toBe(true);
    const failed = judge(1.5 * ALLOWED_GROWTH + 0.01, baseline);
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/FAILED.*baseline 1\.50.*2\.01x/);
    // The regression it exists for: the detail query rescanning the samples once per face and lane.
    expect(judge(40, baseline).ok).toBe(false);
  });

  it('has a committed baseline to compare with', () => {
    const committed = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as GuardBaseline;
    expect(committed.ratio).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(committed.measuredAt))).toBe(false);
  });
});
