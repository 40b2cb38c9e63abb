import type { TrainingRun } from '../shared/training';
import type { MlHostClient } from './ml/host/client';
import type { ModelLibrary } from './ml/models/library';
import { ModelService } from './ml/models/model-service';
import { TrainingService } from './ml/runs/training-service';
import { RunStore } from './storage/run-store';
import type { SessionService } from './storage/session-service';

/**
 * The model library and the training queue, wired over the sessions database and the ML host.
 * The app and the e2e test bridge both build them here, so the bridge exercises the app's wiring.
 */
export function createModelServices(options: {
  sessions: SessionService;
  ml: MlHostClient;
  library: ModelLibrary;
  /** Runs train here until done, then their model joins the library. */
  trainingDir: string;
  onRunChange: (run: TrainingRun) => void;
}): { models: ModelService; training: TrainingService } {
  const runs = new RunStore(options.sessions.store.db);
  const models = new ModelService(options.library, options.sessions.store, options.ml, (id) => runs.runOfModel(id));
  const training = new TrainingService({
    store: runs,
    host: options.ml,
    models,
    runsDir: options.trainingDir,
    onChange: options.onRunChange,
  });
  return { models, training };
}
