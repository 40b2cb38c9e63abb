import { describe, expect, it } from 'vitest';
import { openDatabase } from './storage/database';
import { Settings } from './storage/settings';
import { DEFAULT_WINDOW, windowPlacement } from './window-bounds';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const external = { x: 1920, y: 0, width: 2560, height: 1410 };

describe('the window’s place across restarts', () => {
  it('reopens where it was, on whichever screen that was', () => {
    const saved = { x: 2100, y: 120, width: 1400, height: 900, maximized: false };
    expect(windowPlacement(saved, [laptop, external])).toEqual(saved);
  });

  it('opens at the default size when its screen has gone, keeping only whether it was maximised', () => {
    const onExternal = { x: 2100, y: 120, width: 1400, height: 900, maximized: true };
    expect(windowPlacement(onExternal, [laptop])).toEqual({ ...DEFAULT_WINDOW, maximized: true });
    expect(windowPlacement(undefined, [laptop])).toEqual({ ...DEFAULT_WINDOW, maximized: false });
  });

  it('never opens larger than its screen, nor smaller than the layout needs', () => {
    expect(windowPlacement({ x: 10, y: 10, width: 4000, height: 3000, maximized: false }, [laptop])).toMatchObject({
      width: 1920,
      height: 1050,
    });
    expect(windowPlacement({ x: 10, y: 10, width: 200, height: 100, maximized: false }, [laptop])).toMatchObject({
      width: 960,
      height: 600,
    });
  });

  it('is kept in the settings table, and an unreadable value is ignored', () => {
    const db = openDatabase(':memory:');
    const settings = new Settings(db);
    expect(settings.windowBounds()).toBeUndefined();
    settings.setWindowBounds({ x: 5, y: 6, width: 1000, height: 700, maximized: false });
    expect(settings.windowBounds()).toEqual({ x: 5, y: 6, width: 1000, height: 700, maximized: false });
    db.prepare('UPDATE settings SET value = \'{"x":"left"}\' WHERE key = \'windowBounds\'').run();
    expect(settings.windowBounds()).toBeUndefined();
  });

  it('is forgotten by a reset of the settings, and nothing else is', () => {
    const settings = new Settings(openDatabase(':memory:'));
    settings.setWindowBounds({ x: 5, y: 6, width: 1000, height: 700, maximized: true });
    settings.setActiveModel('user:mine');
    settings.clearWindowBounds();
    expect(settings.windowBounds()).toBeUndefined();
    expect(settings.activeModel()).toBe('user:mine');
  });
});
