import type { WindowBounds } from './storage/settings';

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The window's first size, and the smallest the layout allows. */
export const DEFAULT_WINDOW = { width: 1280, height: 800 };
export const MIN_WINDOW = { width: 960, height: 600 };

/**
 * Where to open the window: where it last was, when that is still on a screen (a monitor may have
 * been unplugged since) and no larger than it; otherwise the default size, placed by the system.
 */
export function windowPlacement(
  saved: WindowBounds | undefined,
  workAreas: readonly Area[],
): { x?: number; y?: number; width: number; height: number; maximized: boolean } {
  if (!saved) return { ...DEFAULT_WINDOW, maximized: false };
  // Enough of the title bar on one screen to grab it: its top-left 100x40 pixels.
  const area = workAreas.find(
    (a) => saved.x + 100 > a.x && saved.x < a.x + a.width && saved.y >= a.y && saved.y + 40 <= a.y + a.height,
  );
  if (!area) return { ...DEFAULT_WINDOW, maximized: saved.maximized };
  return {
    x: saved.x,
    y: saved.y,
    width: Math.min(Math.max(saved.width, MIN_WINDOW.width), area.width),
    height: Math.min(Math.max(saved.height, MIN_WINDOW.height), area.height),
    maximized: saved.maximized,
  };
}
