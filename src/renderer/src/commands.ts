import { commandForKey, isAppCommand, type AppCommand } from '@shared/commands';
import { api } from './api';

type Listener = (command: AppCommand) => void;
const listeners = new Set<Listener>();

/** Whether this is a Mac: ⌘ instead of Ctrl, and the shortcuts written as macOS writes them. */
export const isMac = /Mac/.test(navigator.platform);

/** Calls `listener` for every command, from a key or the application menu; returns its unsubscribe. */
export function onCommand(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function runCommand(command: AppCommand): void {
  for (const listener of listeners) listener(command);
}

/** The window's keydown: runs the command a shortcut asks for (src/shared/commands.ts). */
export function handleCommandKey(event: KeyboardEvent): void {
  const command = commandForKey(event, isMac);
  if (!command) return;
  event.preventDefault();
  runCommand(command);
}

/** The application menu's commands run as their keys do; returns the unsubscribe. */
export function followMenu(): () => void {
  return api.onMenuCommand((command) => {
    if (isAppCommand(command)) runCommand(command);
  });
}
