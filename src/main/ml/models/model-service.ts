import type { MlStatus } from '../../../shared/api';
import type { ModelEntry } from '../../../shared/models';
import type { SessionStore } from '../../storage/session-store';
import type { MlHostClient } from '../host/client';
import type { ModelLibrary } from './library';

export const DEFAULT_MODEL_ID = 'bundled:default';
const ACTIVE_MODEL = 'activeModel';

/** The model library plus which model is active: remembered in the app database, applied live. */
export class ModelService {
  constructor(
    readonly library: ModelLibrary,
    private readonly store: Pick<SessionStore, 'setting' | 'setSetting'>,
    private readonly ml: Pick<MlHostClient, 'useModel'>,
    /** The training run that made a model, from the database (absent: no runs known). */
    private readonly runOfModel: (id: string) => number | undefined = () => undefined,
  ) {}

  activeId(): string {
    return this.store.setting(ACTIVE_MODEL) ?? DEFAULT_MODEL_ID;
  }

  async list(): Promise<{ models: ModelEntry[]; activeId: string }> {
    const models = (await this.library.list()).map((model) => ({ ...model, runId: this.runOfModel(model.id) }));
    return { models, activeId: this.activeId() };
  }

  /** Makes `id` the live model now (no restart) and from the next start on. */
  async activate(id: string): Promise<MlStatus> {
    const status = await this.ml.useModel(await this.library.folder(id));
    this.store.setSetting(ACTIVE_MODEL, id);
    return status;
  }

  async remove(id: string): Promise<void> {
    if (id === this.activeId()) throw new Error('This model is the active one: activate another before deleting it');
    await this.library.remove(id);
  }
}
