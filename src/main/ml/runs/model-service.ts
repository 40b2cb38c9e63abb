import type { MlStatus } from '@shared/api';
import type { ModelEntry } from '@shared/models';
import type { Settings } from '../../storage/settings';
import type { MlHostClient } from '../host/client';
import type { ModelLibrary } from '../models/library';

export const DEFAULT_MODEL_ID = 'bundled:default';
/** The model that classifies frames of more faces than the chosen model serves at the camera's rate. */
export const CROWD_MODEL_ID = 'bundled:fast';

/** The model library plus which model is active: remembered in the app database, applied live. */
export class ModelService {
  constructor(
    private readonly library: ModelLibrary,
    private readonly settings: Pick<Settings, 'activeModel' | 'setActiveModel'>,
    private readonly ml: Pick<MlHostClient, 'useModel'>,
    /** The training run that made a model, from the database (absent: no runs known). */
    private readonly runOfModel: (id: string) => number | undefined = () => undefined,
  ) {}

  activeId(): string {
    return this.settings.activeModel() ?? DEFAULT_MODEL_ID;
  }

  async list(): Promise<{ models: ModelEntry[]; activeId: string }> {
    const models = (await this.library.list()).map((model) => ({ ...model, runId: this.runOfModel(model.id) }));
    return { models, activeId: this.activeId() };
  }

  /** Makes `id` the live model now (no restart) and from the next start on. */
  async activate(id: string): Promise<MlStatus> {
    const status = await this.ml.useModel(await this.library.folder(id));
    this.settings.setActiveModel(id);
    return status;
  }

  /** Makes the bundled default the live model again (a reset of the settings). */
  resetToDefault(): Promise<MlStatus> {
    return this.activate(DEFAULT_MODEL_ID);
  }

  /** The folder of a model of the library (refusing an unknown id). */
  folder(id: string): Promise<string> {
    return this.library.folder(id);
  }

  /** Copies a model folder into the user's models, checked file by file. */
  import(folder: string): Promise<ModelEntry> {
    return this.library.import(folder);
  }

  /** Copies a model's folder into `destination` (to share it); resolves with the new folder. */
  export(id: string, destination: string): Promise<string> {
    return this.library.export(id, destination);
  }

  rename(id: string, name: string): Promise<ModelEntry> {
    return this.library.rename(id, name);
  }

  async remove(id: string): Promise<void> {
    if (id === this.activeId()) throw new Error('This model is the active one: activate another before deleting it');
    await this.library.remove(id);
  }
}
