import { join } from 'node:path';

/**
 * Where the app's files are, from the folder of the built main process (out/main/, also inside
 * the packaged app's archive). Not from app.getAppPath(): that is out/main itself when Electron is
 * started on the built file rather than on the project.
 */
export function appPaths(mainDir: string, electronVersion: string) {
  const appRoot = join(mainDir, '../..');
  return {
    appRoot,
    rendererRoot: join(mainDir, '../renderer'),
    preload: join(mainDir, '../preload/index.cjs'),
    mlHost: join(mainDir, 'ml-host.js'),
    bundledModels: join(appRoot, 'resources/models'),
    /** better-sqlite3 built for Electron (npm run build:native), beside the Node build tests use. */
    sqliteForElectron: join(appRoot, '.cache/electron-native', electronVersion, 'better_sqlite3.node'),
  };
}
