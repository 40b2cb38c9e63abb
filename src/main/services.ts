import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppInfo, EventMethod, EventPayload } from '@shared/api';
import { createApiHandlers, type ApiDependencies, type ApiHandlers } from './api/handlers';
import type { Logger } from './log';
import { MlHostClient, type MlHostClientOptions } from './ml/host/client';
import type { ModelLibrary } from './ml/models/library';
import { CROWD_MODEL_ID, ModelService } from './ml/runs/model-service';
import { TrainingService } from './ml/runs/training-service';
import type { Database } from './storage/database';
import { DatabaseKeeper } from './storage/maintenance';
import { RunStore } from './storage/run-store';
import { SessionService } from './storage/session-service';
import { SessionStore } from './storage/session-store';
import { Settings } from './storage/settings';

/** Sends one of the contract's events to the renderer (IPC in the app, a WebSocket in the e2e bridge). */
export type EmitEvent = <E extends EventMethod>(event: E, payload: EventPayload<E>) => void;

export interface AppServices {
  store: SessionStore;
  sessions: SessionService;
  ml: MlHostClient;
  models: ModelService;
  training: TrainingService;
  storage: DatabaseKeeper;
  /** The API's main side, ready for IPC (or the test bridge) to call. */
  handlers: ApiHandlers;
}

/**
 * Everything main serves, wired over one database and one ML host. The app (src/main/index.ts) and
 * the e2e test bridge both build it here, so the bridge exercises the app's own wiring; each then
 * owns the lifetimes (the app disposes them newest first at quit).
 */
export function createAppServices(options: {
  /** The app's database connection: sessions, training runs and settings are all kept in it. */
  db: Database;
  /** Its file, where its backups go, and what the check at start found (openCheckedDatabase). */
  storage: { file: string; backupsDir: string; notice?: string };
  log?: Logger;
  ml: Pick<MlHostClientOptions, 'spawn' | 'modelDir' | 'restartDelayMs' | 'crowdAboveFaces'>;
  library: ModelLibrary;
  /** Runs train here until done, then their model joins the library. */
  trainingDir: string;
  emit: EmitEvent;
  /** What only the app's shell (or the test bridge standing in for it) can do: dialogs and printing. */
  shell: Pick<
    ApiDependencies,
    'chooseSavePath' | 'chooseFolder' | 'chooseDataset' | 'printReport' | 'resetWindow' | 'camera'
  >;
  appInfo: () => AppInfo;
}): AppServices {
  const { db, emit } = options;
  const crowdModelDir = options.library.folderOf(CROWD_MODEL_ID);
  const ml = new MlHostClient({
    ...options.ml,
    // Without the bundled fast model, every frame goes to the chosen model whatever its faces.
    crowdModelDir: existsSync(path.join(crowdModelDir, 'metadata.json')) ? crowdModelDir : undefined,
    onStatus: (status) => emit('onMlStatus', status),
  });
  ml.onEvent((event) => {
    if (event.event === 'datasetProgress') emit('onDatasetProgress', { path: event.path, ...event.progress });
  });
  const store = new SessionStore(db, options.log);
  const sessions = new SessionService(store, {
    activeModel: () => ml.status.model,
    onHalt: (halt) => emit('onRecordingHalted', halt),
    onExportProgress: (progress) => emit('onExportProgress', progress),
  });
  const runs = new RunStore(db);
  const models = new ModelService(options.library, new Settings(db), ml, (id) => runs.runOfModel(id));
  const training = new TrainingService({
    store: runs,
    host: ml,
    models,
    runsDir: options.trainingDir,
    onChange: (run) => emit('onTrainingRun', run),
  });
  const storage = new DatabaseKeeper(db, options.storage);
  const handlers = createApiHandlers({
    ml,
    sessions,
    storage,
    models,
    training,
    appInfo: options.appInfo,
    ...options.shell,
  });
  return { store, sessions, ml, models, training, storage, handlers };
}
