import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths } from './app-paths';

describe('the app’s files, found from the built main process', () => {
  it('are the project’s, whatever folder Electron was started on', () => {
    const root = path.resolve('.');
    const paths = appPaths(path.join(root, 'out/main'), '40.8.5');
    expect(paths.appRoot).toBe(root);
    expect(paths.rendererRoot).toBe(path.join(root, 'out/renderer'));
    expect(paths.preload).toBe(path.join(root, 'out/preload/index.cjs'));
    expect(paths.mlHost).toBe(path.join(root, 'out/main/ml-host.js'));
    expect(paths.sqliteForElectron).toBe(path.join(root, '.cache/electron-native/40.8.5/better_sqlite3.node'));
    // The bundled models are really there (app.getAppPath() would have looked in out/main).
    expect(existsSync(path.join(paths.bundledModels, 'default', 'model.json'))).toBe(true);
  });
});
