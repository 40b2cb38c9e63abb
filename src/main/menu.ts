import type { MenuItemConstructorOptions } from 'electron';
import { SHORTCUTS, VIEWS, viewLabel, type AppCommand } from '@shared/commands';

const shortcutOf = (command: AppCommand) => SHORTCUTS.find((shortcut) => shortcut.command === command)?.accelerator;

/**
 * The application menu, with the platform's conventions (on macOS the app's own menu first, with
 * About, Hide and Quit). Each of the app's commands goes to the page, which runs it as it runs
 * the same key: the menu shows the shortcuts but does not register them, so a key is never
 * handled twice.
 */
export function menuTemplate(options: {
  mac: boolean;
  appName: string;
  send: (command: AppCommand) => void;
}): MenuItemConstructorOptions[] {
  const { mac, appName, send } = options;
  const item = (label: string, command: AppCommand): MenuItemConstructorOptions => {
    const accelerator = shortcutOf(command);
    return {
      label,
      click: () => send(command),
      ...(accelerator && { accelerator, registerAccelerator: false }),
    };
  };
  const about = item(`About ${appName}`, 'about:open');
  return [
    ...(mac
      ? [
          {
            label: appName,
            submenu: [
              about,
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [{ role: mac ? 'close' : 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...VIEWS.map((view) => item(viewLabel(view), `view:${view}`)),
        { type: 'separator' },
        item('Pause or resume the overlay', 'overlay:toggle'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Recording',
      submenu: [
        item('Record', 'recording:start'),
        item('Stop recording', 'recording:stop'),
        item('Add marker', 'marker:add'),
      ],
    },
    ...(mac ? [{ role: 'windowMenu' } satisfies MenuItemConstructorOptions] : []),
    { label: '&Help', role: 'help', submenu: [item(`${appName} Help`, 'help:open'), ...(mac ? [] : [about])] },
  ];
}
