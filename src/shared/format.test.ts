import { describe, expect, it } from 'vitest';
import { defaultSessionName, formatBytes, formatDate, formatDuration, formatTimeTicks, plural } from './format';

describe('durations and dates', () => {
  it('writes durations as m:ss or h:mm:ss, the same in the live timer and in History', () => {
    expect(formatDuration(5_000)).toBe('0:05');
    expect(formatDuration(754_000)).toBe('12:34');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(6_300, 1)).toBe('0:06.3');
    // A clock's truncation: 3.9 s is still 0:03 (the recording clock, marker names and History agree).
    expect([formatDuration(3_100), formatDuration(3_999), formatDuration(4_000)]).toEqual(['0:03', '0:03', '0:04']);
    expect(formatDuration(300, 1)).toBe('0:00.3');
  });

  it('labels axis ticks closer than a second with the decimals that tell them apart', () => {
    expect(formatTimeTicks([6, 6.2, 6.4, 6.6])).toEqual(['0:06.0', '0:06.2', '0:06.4', '0:06.6']);
    expect(new Set(formatTimeTicks([6, 6.05, 6.1])).size).toBe(3);
    expect(formatTimeTicks([0, 30, 60])).toEqual(['0:00', '0:30', '1:00']);
  });

  it('names a session after its start in the same locale format as History shows dates', () => {
    const startedAt = Date.UTC(2026, 10, 25, 12, 29, 18);
    expect(defaultSessionName(startedAt)).toBe(`Session ${formatDate(startedAt)}`);
    expect(formatDate(startedAt)).toBe(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(startedAt),
    );
  });

  it('counts with the noun in the right number', () => {
    expect(plural(1, 'file or row', 'files or rows')).toBe('1 file or row');
    expect(plural(3, 'file or row', 'files or rows')).toBe('3 files or rows');
    expect(plural(0, 'session')).toBe('0 sessions');
    expect(plural(1, 'complete epoch')).toBe('1 complete epoch');
  });
});

describe('formatBytes', () => {
  it('says sizes in the unit that reads best', () => {
    expect([0, 999, 1000, 12_345, 4_500_000, 1_200_000_000].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '12.3 kB',
      '4.5 MB',
      '1.2 GB',
    ]);
  });
});
