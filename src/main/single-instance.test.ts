import { describe, expect, it } from 'vitest';
import { bringToFront, claimSingleInstance, type FocusableWindow } from './single-instance';

function fakeLock(granted: boolean) {
  const listeners: (() => void)[] = [];
  return {
    lock: { request: () => granted, onSecondLaunch: (listener: () => void) => void listeners.push(listener) },
    launchAgain: () => listeners.forEach((listener) => listener()),
    listeners,
  };
}

describe('single instance', () => {
  it('lets the first launch run and show itself when the app is launched again', () => {
    const { lock, launchAgain } = fakeLock(true);
    let shown = 0;
    expect(claimSingleInstance(lock, () => shown++)).toBe(true);
    launchAgain();
    launchAgain();
    expect(shown).toBe(2);
  });

  it('tells a later launch to exit, listening to nothing', () => {
    const { lock, listeners } = fakeLock(false);
    expect(claimSingleInstance(lock, () => undefined)).toBe(false);
    expect(listeners).toHaveLength(0);
  });

  it('restores a minimised window before focusing it, and does nothing without a live window', () => {
    const calls: string[] = [];
    const window = (minimized: boolean, destroyed = false): FocusableWindow => ({
      isDestroyed: () => destroyed,
      isMinimized: () => minimized,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
    });
    expect(bringToFront(window(true))).toBe(true);
    expect(calls).toEqual(['restore', 'show', 'focus']);
    calls.length = 0;
    expect(bringToFront(window(false))).toBe(true);
    expect(calls).toEqual(['show', 'focus']);
    expect(bringToFront(window(false, true))).toBe(false);
    expect(bringToFront(undefined)).toBe(false);
  });
});
