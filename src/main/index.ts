import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess } from 'electron';
import {
  INVOKE_METHODS,
  IPC_CHANNELS,
  IPC_EVENTS,
  type AppInfo,
  type EventMethod,
  type EventPayload,
} from '@shared/api';
import { invokeHandler, type ApiHandlers } from './api/handlers';
import { serveAppFile } from './app-protocol';
import { appPaths } from './app-paths';
import { DEFAULT_WINDOW, MIN_WINDOW, windowPlacement } from './window-bounds';
import type { HostChannel } from './ml/host/client';
import { ModelLibrary } from './ml/models/library';
import { DEFAULT_MODEL_ID } from './ml/runs/model-service';
import { openCheckedDatabase, type OpenedDatabase } from './storage/maintenance';
import { Settings } from './storage/settings';
import { createAppServices } from './services';
import { dialogs } from './dialogs';
import { menuTemplate } from './menu';
import { cameraAccess } from './camera-access';
import { DisposableStore } from './disposables';
import { printReportWindow } from './report-window';
import { spawnUtilityHost } from './ml/host/utility-channel';
import { APP_ENTRY, APP_SCHEME, isPermissionAllowed, isRequestAllowed, isTrustedSender } from './security';
import { createLogger } from './log';
import { bringToFront, claimSingleInstance } from './single-instance';
import { errorMessage } from '@shared/errors';

// Tests give each launch a user-data folder of its own (its single-instance lock and log with it).
if (process.env.EMOTION_MONITOR_USER_DATA) app.setPath('userData', process.env.EMOTION_MONITOR_USER_DATA);
// Before anything opens the database or starts training: a later launch shows the first and exits.
if (
  !claimSingleInstance(
    {
      request: () => app.requestSingleInstanceLock(),
      onSecondLaunch: (listener) => app.on('second-instance', listener),
    },
    () => {
      // The app's own window, never a report being printed in a hidden one.
      if (!bringToFront(mainWindow) && app.isReady()) createWindow();
    },
  )
) {
  app.exit(0);
  process.exit(0);
}

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
/** The main process's log: the console and <user data>/logs/main.log (README, Troubleshooting). */
const log = createLogger({ dir: join(app.getPath('userData'), 'logs') });
const paths = appPaths(__dirname, process.versions.electron);
const rendererRoot = paths.rendererRoot;

// Test runs feed the camera from a video file (see e2e/); the app itself never sets these.
if (process.env.EMOTION_MONITOR_FAKE_CAMERA) {
  app.commandLine.appendSwitch('use-fake-device-for-media-stream');
  app.commandLine.appendSwitch('use-file-for-fake-video-capture', process.env.EMOTION_MONITOR_FAKE_CAMERA);
}

// Served like a website (standard, secure) so the page has an origin, fetch and a CSP of its own.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function spawnMlHost(): HostChannel {
  return spawnUtilityHost((modulePath, args, options) => utilityProcess.fork(modulePath, args, options), paths.mlHost, {
    onError: (message) => log.warn(message),
  });
}

/** Sends one of the contract's events to every window. */
function broadcast<E extends EventMethod>(event: E, payload: EventPayload<E>): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENTS[event], payload);
}

// Sessions live in the user-data folder; EMOTION_MONITOR_DB points elsewhere (tests, power users).
const databaseFile = process.env.EMOTION_MONITOR_DB ?? join(app.getPath('userData'), 'sessions.db');
const backupsDir = join(app.getPath('userData'), 'backups');

/**
 * The app's database, opened once here and closed at quit; every store shares it. Checked first:
 * a damaged file is kept aside and a recovered copy (or the newest backup) opened, saying so.
 */
function openAppDatabase(): OpenedDatabase | Error {
  try {
    return openCheckedDatabase(databaseFile, {
      backupsDir,
      nativeBinding: existsSync(paths.sqliteForElectron) ? paths.sqliteForElectron : undefined,
    });
  } catch (error) {
    return error instanceof Error ? error : new Error(errorMessage(error));
  }
}

/**
 * Without its database the app would lose recordings: it says why and stops, rather than run
 * without it. After `ready`, since before it a dialog is only a line on stderr on Linux.
 */
function refuseToStart(error: Error): void {
  log.error(`Cannot open the sessions database ${databaseFile}`, error);
  void app.whenReady().then(() => {
    dialog.showErrorBox(
      'Emotion Monitor cannot open its sessions database',
      `${databaseFile}\n\n${error.message}\n\nIf this is a native-module error, run "npm run build:native".`,
    );
    app.exit(1);
  });
}

/** Everything main serves, over the opened database; disposed newest first at quit. */
function startApp({ db, notice }: OpenedDatabase): void {
  const lifetime = new DisposableStore();
  if (notice) log.warn(notice);
  lifetime.add('database', { dispose: () => db.close() });

  // Bundled models ship with the app; the user's own live in the user-data folder.
  const library = new ModelLibrary(paths.bundledModels, join(app.getPath('userData'), 'models'));
  windowSettings = new Settings(db);
  const remembered = library.folderOf(windowSettings.activeModel() ?? DEFAULT_MODEL_ID);
  // A remembered model that has gone since falls back to the bundled default.
  const startModelDir = existsSync(join(remembered, 'metadata.json')) ? remembered : library.folderOf(DEFAULT_MODEL_ID);
  const { sessions, ml, training, storage, handlers } = createAppServices({
    db,
    storage: { file: databaseFile, backupsDir, notice },
    log,
    ml: { spawn: spawnMlHost, modelDir: startModelDir },
    library,
    trainingDir: join(app.getPath('userData'), 'training'),
    emit: broadcast,
    shell: {
      ...dialogs,
      printReport: (request, files) => printReportWindow(devServerUrl ?? APP_ENTRY, request, files),
      resetWindow,
      camera: cameraAccess,
    },
    appInfo: (): AppInfo => ({
      name: app.getName(),
      version: app.getVersion(),
      versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
    }),
  });
  // Disposed newest first at quit: training, then the ML host, then sessions, backups, then the database.
  lifetime.add('daily backups', {
    dispose: storage.keepDailyBackups((error) => log.warn(`The daily backup failed: ${errorMessage(error)}`)),
  });
  lifetime.add('sessions', sessions);
  lifetime.add('ML host', ml);
  lifetime.add('training queue', training);

  void app.whenReady().then(() => {
    secureSession();
    registerIpc(handlers);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          mac: process.platform === 'darwin',
          appName: app.getName(),
          send: (command) => broadcast('onMenuCommand', command),
        }),
      ),
    );
    void ml.start();
    training.start();
    createWindow();
    app.on('activate', () => {
      if (!mainWindow) createWindow();
    });
  });
  app.on('will-quit', () => {
    // Newest first: the training queue, the ML host, the sessions (ending a recording), the database.
    lifetime.dispose(log);
  });
}

function registerIpc(handlers: ApiHandlers): void {
  for (const method of INVOKE_METHODS) {
    ipcMain.handle(IPC_CHANNELS[method], (event, ...args: unknown[]) => {
      // Only the app's own page may call the API.
      if (!isTrustedSender(event.senderFrame, devServerUrl)) {
        log.warn(`Refused ${method} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
        return { ok: false, error: 'The API is only available to the app page' };
      }
      return invokeHandler(handlers, method, args, log);
    });
  }
}

function secureSession(): void {
  const appSession = session.defaultSession;
  protocol.handle(APP_SCHEME, (request) => serveAppFile(rendererRoot, request.url));
  appSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url, devServerUrl);
    if (!allowed) log.warn(`Blocked a request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  appSession.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(isPermissionAllowed(permission, details.requestingUrl, mediaTypes, devServerUrl));
  });
  appSession.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    const mediaTypes = details.mediaType ? [details.mediaType] : undefined;
    return isPermissionAllowed(permission, details.requestingUrl ?? requestingOrigin, mediaTypes, devServerUrl);
  });
}

/** The app's window (report windows, hidden and short-lived, are not it). */
let mainWindow: BrowserWindow | undefined;

/** The window's place, kept across restarts (set once the database is open). */
let windowSettings: Settings | undefined;

/** Back to the default size, centred, its kept place forgotten (a reset of the settings). */
function resetWindow(): void {
  windowSettings?.clearWindowBounds();
  if (!mainWindow) return;
  mainWindow.unmaximize();
  mainWindow.setSize(DEFAULT_WINDOW.width, DEFAULT_WINDOW.height);
  mainWindow.center();
}

function createWindow(): void {
  const placement = windowPlacement(
    windowSettings?.windowBounds(),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    x: placement.x,
    y: placement.y,
    width: placement.width,
    height: placement.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    show: false,
    title: 'Emotion Monitor',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  mainWindow = window;
  if (placement.maximized) window.maximize();
  window.on('close', () =>
    windowSettings?.setWindowBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() }),
  );
  window.once('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  window.once('ready-to-show', () => window.show());
  // The app never navigates away from its own page or opens windows; https links go to the browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadURL(devServerUrl ?? APP_ENTRY);
}

const opened = openAppDatabase();
if (opened instanceof Error) refuseToStart(opened);
else startApp(opened);

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
