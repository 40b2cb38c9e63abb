/**
 * The e2e test bridge: runs the real main-process API (handlers, validation, the ML host with the
 * real model on a worker thread) in the test process and gives a page in Chromium the same
 * `window.api` that preload gives the app (page-bridge.js). Calls travel over a WebSocket on
 * loopback, at the page's own origin so the app's CSP (connect-src 'self') holds unchanged;
 * Float32Arrays cross as base64 of their bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { REPORT_READY_SCRIPT, reportHash, type ReportReadiness, type ReportRequest } from '../../src/shared/report';
import { appOrigin } from './chromium';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_METHODS, INVOKE_METHODS, type AppInfo, type CameraAccess } from '../../src/shared/api';
import type { AppCommand } from '../../src/shared/commands';
import { invokeHandler, isInvokeMethod } from '../../src/main/api/handlers';
import { createLogger } from '../../src/main/log';
import type { HostChannel, MlHostClient } from '../../src/main/ml/host/client';
import { spawnWorkerHost } from '../../src/main/ml/host/worker-channel';
import { ModelLibrary } from '../../src/main/ml/models/library';
import { openCheckedDatabase } from '../../src/main/storage/maintenance';
import type { SessionService } from '../../src/main/storage/session-service';
import type { SessionStore } from '../../src/main/storage/session-store';
import type { TrainingService } from '../../src/main/ml/runs/training-service';
import { createAppServices } from '../../src/main/services';
import { DEFAULT_MODEL_DIR } from './paths';

/** The page's half of the bridge, given the contract's methods and events. */
const pageBridge = readFileSync(fileURLToPath(new URL('./page-bridge.js', import.meta.url)), 'utf8').replace(
  '})(CONTRACT);',
  `})(${JSON.stringify({ invoke: INVOKE_METHODS, events: EVENT_METHODS })});`,
);
export const BRIDGE_PATH = '/__test-bridge';

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    if ('__float32' in value) {
      const bytes = Buffer.from((value as { __float32: string }).__float32, 'base64');
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    }
    if ('__uint8' in value) return new Uint8Array(Buffer.from((value as { __uint8: string }).__uint8, 'base64'));
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, decode(entry)]));
  }
  return value;
}

function encode(value: unknown): unknown {
  if (value instanceof Float32Array) {
    return { __float32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (value instanceof Uint8Array) {
    return { __uint8: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encode(entry)]));
  }
  return value;
}

export interface TestBridge {
  /** The loopback port the page's origin must use, so the bridge socket is same-origin. */
  port: number;
  /** The sessions database, for specs to check what the app stored. */
  store: SessionStore;
  ml: MlHostClient;
  sessions: SessionService;
  /** Where the next CSV export is saved, standing in for the save dialog (undefined: cancelled). */
  savePath: string | undefined;
  readonly windowResets: number;
  /** What the system answers when the page asks for the camera (macOS's prompt, in the app). */
  cameraAccess: CameraAccess;
  /** How often the page opened the system's camera settings. */
  readonly cameraSettingsOpened: number;
  /** Sends a command as the application menu does. */
  menuCommand(command: AppCommand): void;
  /** The folder the next folder dialog answers with (undefined: cancelled). */
  folder: string | undefined;
  /** The dataset the next dataset dialog answers with (undefined: cancelled). */
  datasetPath: string | undefined;
  training: TrainingService;
  /** A scratch folder removed on dispose. */
  dir: string;
  /** Serves a page: call before it loads. */
  attach(page: Page): Promise<void>;
  /** Kills the ML host as a crash would. */
  killMlHost(): void;
  dispose(): Promise<void>;
}

/** `dbFile`: an existing sessions database to serve (default: a fresh one in the scratch folder). */
/** `crowdAboveFaces`: from how many faces on the fast model classifies live frames (default: measured). */
export async function startTestBridge(
  options: { dbFile?: string; crowdAboveFaces?: number } = {},
): Promise<TestBridge> {
  let channel: HostChannel | undefined;
  const sockets = new Set<WebSocket>();
  const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-e2e-'));
  // Opened as the app opens it: checked, and a damaged file recovered (saying so).
  const databaseFile = options.dbFile ?? path.join(dir, 'sessions.db');
  const backupsDir = path.join(dir, 'backups');
  const { db, notice } = openCheckedDatabase(databaseFile, { backupsDir });
  let savePath: string | undefined;
  let folder: string | undefined;
  let datasetPath: string | undefined;
  let windowResets = 0;
  let cameraAccess: CameraAccess = 'granted';
  let cameraSettingsOpened = 0;
  // Composed by the app's own createAppServices: only the shell (dialogs, printing, events) differs.
  const { store, sessions, ml, training, handlers } = createAppServices({
    db,
    storage: { file: databaseFile, backupsDir, notice },
    ml: {
      spawn: () => (channel = spawnWorkerHost()),
      modelDir: DEFAULT_MODEL_DIR,
      restartDelayMs: 100,
      crowdAboveFaces: options.crowdAboveFaces,
    },
    library: new ModelLibrary(path.dirname(DEFAULT_MODEL_DIR), path.join(dir, 'models')),
    trainingDir: path.join(dir, 'training'),
    emit: (event, payload) => {
      for (const socket of sockets) socket.send(JSON.stringify({ event, payload: encode(payload) }));
    },
    shell: {
      chooseDataset: async () => datasetPath,
      chooseSavePath: async () => savePath,
      chooseFolder: async () => folder,
      printReport: (request, files) => printReport(request, files),
      resetWindow: () => void windowResets++,
      camera: {
        requestAccess: async () => cameraAccess,
        openSettings: async () => {
          cameraSettingsOpened++;
          return true;
        },
      },
    },
    appInfo: (): AppInfo => ({ name: 'emotion-monitor', version: 'test', versions: { node: process.versions.node } }),
  });
  await ml.start();
  training.start();

  // As main's log, on the console only: a handler's failure shows in the test output with its stack.
  const log = createLogger();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: BRIDGE_PATH });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;

  /** The browser the app's page runs in: the report is printed in a page of its own there. */
  let context: BrowserContext | undefined;
  const attach = async (page: Page) => {
    context = page.context();
    // A plain script, not a function: transpilers add helpers to functions that the page lacks.
    await page.addInitScript({ content: pageBridge });
  };
  /** As main's report window does, with Chromium's own print-to-PDF (headless Chromium has it). */
  async function printReport(request: ReportRequest, files: { pdf: string; png: string }): Promise<void> {
    if (!context) throw new Error('No page of the app is open to print the report from');
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 794, height: 1123 });
      await attach(page);
      await page.goto(`${appOrigin(port)}/index.html${reportHash(request)}`);
      const readiness = (await page.evaluate(REPORT_READY_SCRIPT)) as ReportReadiness;
      if (readiness.state === 'failed') throw new Error(readiness.message);
      if (readiness.chart) await page.screenshot({ path: files.png, clip: readiness.chart });
      await page.pdf({ path: files.pdf, format: 'A4', printBackground: true });
    } finally {
      await page.close();
    }
  }
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', async (data) => {
      const { id, method, args } = JSON.parse(String(data)) as { id: number; method: unknown; args: unknown };
      const result = isInvokeMethod(handlers, method)
        ? await invokeHandler(handlers, method, Array.isArray(args) ? args.map(decode) : [], log)
        : { ok: false, error: `Unknown method ${String(method)}` };
      socket.send(JSON.stringify({ id, result: encode(result) }));
    });
  });

  return {
    port,
    store,
    ml,
    sessions,
    dir,
    get savePath() {
      return savePath;
    },
    set savePath(file) {
      savePath = file;
    },
    training,
    get datasetPath() {
      return datasetPath;
    },
    set datasetPath(chosen) {
      datasetPath = chosen;
    },
    get folder() {
      return folder;
    },
    set folder(chosen) {
      folder = chosen;
    },
    /** How often the app asked its window to go back to its default size (a reset of the settings). */
    get windowResets() {
      return windowResets;
    },
    get cameraAccess() {
      return cameraAccess;
    },
    set cameraAccess(answer) {
      cameraAccess = answer;
    },
    get cameraSettingsOpened() {
      return cameraSettingsOpened;
    },
    menuCommand: (command) => {
      for (const socket of sockets) socket.send(JSON.stringify({ event: 'onMenuCommand', payload: command }));
    },
    attach,
    killMlHost: () => channel?.kill(),
    dispose: async () => {
      training.dispose();
      ml.dispose();
      await training.whenIdle();
      sessions.dispose();
      db.close();
      for (const socket of sockets) socket.terminate();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
