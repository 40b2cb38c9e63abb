/**
 * The app's commands and their keyboard shortcuts: one table that the application menu shows
 * (src/main/menu.ts), the Help lists and the page handles (src/renderer/src/commands.ts), so the
 * three never disagree. The page handles every key itself (the menu does not register them), so
 * the same keys work in a browser as in the app.
 */
export const VIEWS = ['live', 'files', 'history', 'models', 'train'] as const;
export type View = (typeof VIEWS)[number];

export type AppCommand =
  `view:${View}` | 'recording:start' | 'recording:stop' | 'marker:add' | 'overlay:toggle' | 'help:open' | 'about:open';

export interface Shortcut {
  command: AppCommand;
  /** What the command does, as the menu and the Help say it. */
  label: string;
  /** Electron's accelerator syntax: CmdOrCtrl is ⌘ on macOS and Ctrl elsewhere. */
  accelerator: string;
}

const VIEW_LABELS: Record<View, string> = {
  live: 'Live',
  files: 'Files',
  history: 'History',
  models: 'Models',
  train: 'Train',
};

export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEWS.map((view, i) => ({
    command: `view:${view}` as const,
    label: `Show ${VIEW_LABELS[view]}`,
    accelerator: `CmdOrCtrl+${i + 1}`,
  })),
  { command: 'recording:start', label: 'Record (the camera running)', accelerator: 'Alt+R' },
  { command: 'recording:stop', label: 'Stop recording', accelerator: 'Alt+S' },
  { command: 'marker:add', label: 'Add a marker to the recording', accelerator: 'Alt+M' },
  { command: 'overlay:toggle', label: 'Pause or resume the overlay', accelerator: 'Alt+O' },
  { command: 'help:open', label: 'Help', accelerator: 'F1' },
];

export const ALL_COMMANDS: readonly AppCommand[] = [...SHORTCUTS.map((shortcut) => shortcut.command), 'about:open'];

export function isAppCommand(value: unknown): value is AppCommand {
  return typeof value === 'string' && (ALL_COMMANDS as readonly string[]).includes(value);
}

export const viewLabel = (view: View): string => VIEW_LABELS[view];

/** An accelerator as the user reads it on this system: "Ctrl+1" or "⌘1", "Alt+R" or "⌥R". */
export function shortcutText(accelerator: string, mac: boolean): string {
  if (!mac) return accelerator.replace('CmdOrCtrl', 'Ctrl');
  return accelerator.replace('CmdOrCtrl+', '⌘').replace('Alt+', '⌥');
}

/** An accelerator as aria-keyshortcuts names it (ARIA's modifiers are Control and Meta, not Ctrl or ⌘). */
export function ariaKeyShortcuts(accelerator: string, mac: boolean): string {
  return accelerator.replace('CmdOrCtrl', mac ? 'Meta' : 'Control');
}

/** The command a key press asks for, if any (modifiers must match exactly). */
export function commandForKey(
  event: { key: string; code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean },
  mac: boolean,
): AppCommand | undefined {
  return SHORTCUTS.find(({ accelerator }) => {
    const parts = accelerator.split('+');
    const key = parts.pop()!;
    const command = parts.includes('CmdOrCtrl');
    const alt = parts.includes('Alt');
    if (event.shiftKey || event.altKey !== alt) return false;
    if ((mac ? event.metaKey : event.ctrlKey) !== command || (mac ? event.ctrlKey : event.metaKey)) return false;
    // With Alt, macOS types another character (⌥R is ®): the physical key says which it was.
    const pressed = /^Key[A-Z]$/.test(event.code) ? event.code.slice(3) : event.key;
    return pressed.toUpperCase() === key.toUpperCase() || (/^\d$/.test(key) && event.code === `Digit${key}`);
  })?.command;
}
