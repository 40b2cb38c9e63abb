import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchRecordingClock } from './recording-clock';

describe('the recording clock', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('gives every display the same whole seconds, ticking as each second since the start passes', () => {
    const startedAt = 1_000_000 - 2_400; // started 2.4 s ago
    const header: number[] = [];
    const controls: number[] = [];
    const stopHeader = watchRecordingClock(startedAt, (ms) => header.push(ms));
    vi.advanceTimersByTime(300); // a display that opens later, 0.3 s before the next second
    const stopControls = watchRecordingClock(startedAt, (ms) => controls.push(ms));
    expect([header.at(-1), controls.at(-1)]).toEqual([2_000, 2_000]);
    vi.advanceTimersByTime(299);
    expect(header.at(-1)).toBe(2_000); // 2.999 s: still 0:02
    vi.advanceTimersByTime(1);
    expect([header.at(-1), controls.at(-1)]).toEqual([3_000, 3_000]);
    vi.advanceTimersByTime(5_000);
    expect(header).toEqual([2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000]);
    expect(controls).toEqual([2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000]);
    stopHeader();
    stopControls();
    expect(vi.getTimerCount()).toBe(0); // the last display gone, the clock stops
  });
});
