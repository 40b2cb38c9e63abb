import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS, SHORTCUTS, type AppCommand } from '@shared/commands';
import { menuTemplate } from './menu';

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number];

/** Every item of the menu, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

describe('the application menu', () => {
  for (const mac of [false, true]) {
    it(`offers every command once, with the shortcuts the page handles (${mac ? 'macOS' : 'Windows and Linux'})`, () => {
      const sent: AppCommand[] = [];
      const template = menuTemplate({ mac, appName: 'Emotion Monitor', send: (command) => sent.push(command) });
      const clickable = items(template).filter((item) => item.click);
      // Electron calls click with the item, the window and the event; the menu's own need none of them.
      for (const item of clickable) (item.click as () => void)();
      expect([...sent].sort()).toEqual([...ALL_COMMANDS].sort());
      clickable.forEach((item, i) => {
        const shortcut = SHORTCUTS.find((s) => s.command === sent[i]);
        expect(item.accelerator, `${item.label}`).toBe(shortcut?.accelerator);
        // Shown, not registered: the page handles the key itself, once.
        if (shortcut) expect(item.registerAccelerator, `${item.label}`).toBe(false);
      });
      const about = clickable.find((item) => item.label === 'About Emotion Monitor')!;
      if (mac) {
        expect(template[0].label).toBe('Emotion Monitor');
        expect(template[0].submenu).toContain(about);
      } else {
        expect(template.at(-1)!.label).toBe('&Help');
        expect(template.at(-1)!.submenu).toContain(about);
      }
    });
  }
});
