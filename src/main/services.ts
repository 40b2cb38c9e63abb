import type { TrainingRun } from '../shared/training';
import type { MlHostClient } from './ml/host/client';
import type { ModelLibrary } from './ml/models/library';
import { ModelService } from './ml/models/model-service';
import { TrainingService } from './ml/runs/training-service';
import { RunStore } from './storage/run-store';
import type { Database } from './storage/database';
import { Settings } from './storage/settings';

/**
 * The model library and the training queue, wired over the app's database and the ML host.
 * The app and the e2e test bridge both build them here, so the bridge exercises the app's wiring.
 */
export function createModelServices(options: {
  /** The app's database connection: training runs and the live model's setting are kept in it. */
  db: Database;
  ml: MlHostClient;
  library: ModelLibrary;
  /** Runs train here until done, then their model joins the library. */
  trainingDir: string;
  onRunChange: (run: TrainingRun) => void;
}): { models: ModelService; training: TrainingService } {
  const runs = new RunStore(options.db);
  const models = new ModelService(options.library, new Settings(options.db), options.ml, (id) => runs.runOfModel(id));
  const training = new TrainingService({
    store: runs,
    host: options.ml,
    models,
    runsDir: options.trainingDir,
    onChange: options.onRunChange,
  });
  return { models, training };
}
