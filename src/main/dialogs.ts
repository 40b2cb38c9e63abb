import { extname } from 'node:path';
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import type { ApiDependencies } from './api/handlers';
import { DialogGate } from './dialog-gate';

/** The window a dialog belongs to: the focused one, or the app's window. */
function ownerWindow(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
}

const gate = new DialogGate<object>();
/** Without a window (none is open), dialogs share one slot. */
const NO_WINDOW = {};

async function choosePath(options: OpenDialogOptions): Promise<string | undefined> {
  const window = ownerWindow();
  const { canceled, filePaths } = await gate.show(window ?? NO_WINDOW, () =>
    window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options),
  );
  return canceled ? undefined : filePaths[0];
}

/** The system dialogs the API asks for (one place for them, at most one per window at a time). */
export const dialogs: Pick<ApiDependencies, 'chooseDataset' | 'chooseFolder' | 'chooseSavePath'> = {
  chooseDataset: (kind) =>
    choosePath(
      kind === 'folder'
        ? { title: 'Choose a dataset folder (train/<emotion>/…, test/<emotion>/…)', properties: ['openDirectory'] }
        : { title: 'Choose a fer2013.csv', properties: ['openFile'], filters: [{ name: 'CSV', extensions: ['csv'] }] },
    ),
  chooseFolder: (purpose) =>
    choosePath({
      title: purpose === 'import-model' ? 'Choose a model folder to import' : 'Choose where to export the model',
      properties: purpose === 'import-model' ? ['openDirectory'] : ['openDirectory', 'createDirectory'],
    }),
  chooseSavePath: async (suggestedName) => {
    const window = ownerWindow();
    const extension = extname(suggestedName).slice(1);
    const options = {
      defaultPath: suggestedName,
      filters: [{ name: extension.toUpperCase(), extensions: [extension] }],
    };
    const { canceled, filePath } = await gate.show(window ?? NO_WINDOW, () =>
      window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options),
    );
    return canceled ? undefined : filePath;
  },
};
