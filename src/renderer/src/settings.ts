/** Small preferences kept in the page's local storage (on this machine, like everything else). */
const PREFIX = 'emotion-monitor.';

export function loadSetting<T extends number | boolean | string>(name: string, fallback: T): T {
  try {
    const stored = localStorage.getItem(PREFIX + name);
    if (stored === null) return fallback;
    const value: unknown = JSON.parse(stored);
    return typeof value === typeof fallback ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export function saveSetting(name: string, value: number | boolean | string): void {
  localStorage.setItem(PREFIX + name, JSON.stringify(value));
}

/** Forgets every preference kept here (a reset of the settings): each view reads its defaults again. */
export function clearSettings(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
}
