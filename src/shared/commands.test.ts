import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS, ariaKeyShortcuts, commandForKey, isAppCommand, SHORTCUTS, shortcutText } from './commands';

const key = (
  key: string,
  code: string,
  modifiers: Partial<Record<'alt' | 'ctrl' | 'meta' | 'shift', boolean>> = {},
) => ({
  key,
  code,
  altKey: modifiers.alt ?? false,
  ctrlKey: modifiers.ctrl ?? false,
  metaKey: modifiers.meta ?? false,
  shiftKey: modifiers.shift ?? false,
});

describe("the app's shortcuts", () => {
  it('map each key to its command, with exactly its modifiers', () => {
    expect(commandForKey(key('r', 'KeyR', { alt: true }), false)).toBe('recording:start');
    expect(commandForKey(key('R', 'KeyR', { alt: true }), false)).toBe('recording:start');
    expect(commandForKey(key('r', 'KeyR'), false)).toBeUndefined(); // typing an r
    expect(commandForKey(key('r', 'KeyR', { alt: true, shift: true }), false)).toBeUndefined();
    expect(commandForKey(key('3', 'Digit3', { ctrl: true }), false)).toBe('view:history');
    expect(commandForKey(key('3', 'Digit3', { meta: true }), false)).toBeUndefined();
    expect(commandForKey(key('F1', 'F1'), false)).toBe('help:open');
    expect(commandForKey(key('o', 'KeyO', { alt: true }), false)).toBe('overlay:toggle');
  });

  it('follow macOS: ⌘ for Ctrl, and the physical key under ⌥ (which types another character)', () => {
    expect(commandForKey(key('3', 'Digit3', { meta: true }), true)).toBe('view:history');
    expect(commandForKey(key('3', 'Digit3', { ctrl: true }), true)).toBeUndefined();
    expect(commandForKey(key('®', 'KeyR', { alt: true }), true)).toBe('recording:start');
    expect(shortcutText('CmdOrCtrl+3', true)).toBe('⌘3');
    expect(shortcutText('Alt+M', true)).toBe('⌥M');
    expect(shortcutText('CmdOrCtrl+3', false)).toBe('Ctrl+3');
    expect(ariaKeyShortcuts('CmdOrCtrl+3', false)).toBe('Control+3');
    expect(ariaKeyShortcuts('CmdOrCtrl+3', true)).toBe('Meta+3');
    expect(ariaKeyShortcuts('Alt+R', false)).toBe('Alt+R');
  });

  it('are one per command, on distinct keys, and every command is known', () => {
    expect(new Set(SHORTCUTS.map((s) => s.accelerator)).size).toBe(SHORTCUTS.length);
    expect(new Set(SHORTCUTS.map((s) => s.command)).size).toBe(SHORTCUTS.length);
    expect(ALL_COMMANDS.every(isAppCommand)).toBe(true);
    expect(isAppCommand('view:nowhere')).toBe(false);
  });
});
