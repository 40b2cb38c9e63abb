/**
 * How times and dates read everywhere (live view, History, Models, Train, session names): the
 * user's locale through Intl, and one way of writing a duration.
 */

/**
 * 0:05, 12:34, 1:02:03; with `fractionDigits`, 0:05.3 (for axis ticks closer than a second).
 * Truncated as a clock is: 3.9 s has not yet reached 0:04, so the recording clock, a marker's name
 * and History agree on every time.
 */
export function formatDuration(ms: number, fractionDigits = 0): string {
  const scale = 10 ** fractionDigits;
  // The small slack keeps 0.3 s at 0:00.3 although 0.3 * 10 is 2.9999… in floating point.
  const totalTenths = Math.max(0, Math.floor((ms / 1000) * scale + 1e-6));
  const total = Math.floor(totalTenths / scale);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor(total / 60) % 60;
  const fraction = fractionDigits > 0 ? `.${String(totalTenths % scale).padStart(fractionDigits, '0')}` : '';
  const seconds = `${pad(total % 60)}${fraction}`;
  return hours > 0 ? `${hours}:${pad(minutes)}:${seconds}` : `${minutes}:${seconds}`;
}

/** Labels for time-axis ticks (seconds), with as many decimals as their spacing needs to differ. */
export function formatTimeTicks(ticks: number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const digits = step >= 1 - 1e-9 ? 0 : step >= 0.1 - 1e-9 ? 1 : step >= 0.01 - 1e-9 ? 2 : 3;
  return ticks.map((t) => formatDuration(t * 1000, digits));
}

/** A date and time in the user's locale, e.g. "25 Nov 2026, 12:29" or "Nov 25, 2026, 12:29 PM". */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The name a session gets when it is not given one. */
export function defaultSessionName(startedAt: number): string {
  return `Session ${formatDate(startedAt)}`;
}

/** "1 file", "3 files", "1,204 samples": a count with its noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? singular : pluralForm}`;
}

/** A share as the app shows it: 68.3% (one decimal unless asked), or – when unknown. */
export const percent = (value: number | undefined, digits = 1): string =>
  value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;

/** A file size as people read it: 512 B, 12.3 kB, 4.5 MB, 1.2 GB (powers of 1000, as file managers show). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
