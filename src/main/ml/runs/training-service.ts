import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  bestEpoch,
  MISTAKES_SHOWN,
  type DatasetSummary,
  type RunReport,
  type TrainingConfig,
  type TrainingEstimate,
  type TrainingRun,
  type RunProgress,
} from '@shared/training';
import { plural } from '@shared/format';
import type { RunStore, StoredRun } from '../../storage/run-store';
import type { MlHostClient } from '../host/client';
import type { HostEvent } from '../host/protocol';
import type { DatasetChoice } from '../host/protocol';
import { readMetadata } from '../models/model-folder';
import type { ModelService } from './model-service';
import type { BackendChoice } from '../runtime/backend';
import { CHECKPOINT_DIR, CHECKPOINT_STATE_FILE } from '../training/protocol';
import { canTransition, isUnfinished, nextStatus, RunStateError } from './run-state';
import { errorMessage } from '@shared/errors';

export interface TrainingServiceOptions {
  store: RunStore;
  host: Pick<MlHostClient, 'request' | 'onEvent'>;
  models: Pick<ModelService, 'folder' | 'import' | 'activeId'>;
  /** Each run trains in `<runsDir>/run-<id>` (its checkpoint included) until it is done. */
  runsDir: string;
  /** Called whenever a run changes: its state, its progress, a new epoch. */
  onChange?: (run: TrainingRun) => void;
  /** Tests pin the backend. */
  backendCandidates?: BackendChoice[];
  /** Least time between two progress notifications of a run. */
  progressIntervalMs?: number;
}

interface Current {
  id: number;
  progress?: RunProgress;
  lastNotified: number;
  cancelling: boolean;
}

/**
 * The training queue: runs wait in the database, one trains at a time in the ML process, and
 * their state follows run-state.ts. A run that was training when the app stopped is marked failed
 * at the next start and can be resumed from its last checkpoint.
 */
export class TrainingService {
  private current: Current | undefined;
  private pumping = false;
  private idle: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly stopHostEvents: () => void;

  constructor(private readonly options: TrainingServiceOptions) {
    this.stopHostEvents = options.host.onEvent((event) => this.onHostEvent(event));
    for (const run of options.store.list()) {
      if (!canTransition(run.status, 'fail')) continue;
      options.store.update(run.id, {
        status: nextStatus(run.status, 'fail'),
        endedAt: Date.now(),
        message: `Emotion Monitor stopped during this run, after ${plural(run.history.length, 'complete epoch')}`,
      });
    }
  }

  /** Starts the queue, if runs are waiting (at app start, after recovery). */
  start(): void {
    this.pump();
  }

  /**
   * The app is quitting: stops what this service started. It stops listening to the ML host, asks
   * it to stop the run in training, starts no other, and writes nothing more (the database is
   * closing). That run stays `running` in the database, its last epoch's checkpoint on disk, and is
   * recovered as failed, resumable, at the next start.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopHostEvents();
    const current = this.current;
    if (current) {
      // The host may already be gone (it is disposed next): nothing to stop then.
      this.options.host.request('controlTraining', { runId: current.id, action: 'cancel' }).catch(() => undefined);
    }
  }

  /** Resolves when no run is training (tests, and the app on quit). */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  inspectDataset(choice: DatasetChoice): Promise<DatasetSummary> {
    return this.options.host.request('inspectDataset', choice);
  }

  estimate(config: TrainingConfig): Promise<TrainingEstimate> {
    if (this.current) throw new Error('A run is training: estimate again when it has finished');
    return this.options.host.request('estimateTraining', { config, backendCandidates: this.options.backendCandidates });
  }

  async enqueue(config: TrainingConfig): Promise<TrainingRun> {
    // Refuse an unknown model now, not when the run starts.
    if (config.fineTuneFrom) await this.options.models.folder(config.fineTuneFrom);
    if (config.teacher) await this.options.models.folder(config.teacher);
    const run = this.options.store.create(config);
    this.notify(run.id);
    this.pump();
    return this.view(this.options.store.get(run.id)!);
  }

  list(): TrainingRun[] {
    return this.options.store.list().map((run) => this.view(run));
  }

  get(id: number): TrainingRun {
    return this.view(this.stored(id));
  }

  async pause(id: number): Promise<TrainingRun> {
    const run = this.stored(id);
    const status = nextStatus(run.status, 'pause');
    // The answer comes after the batch in flight; a cancel or the run's end may have come first.
    const paused = await this.options.host.request('controlTraining', { runId: id, action: 'pause' });
    if (paused && this.stored(id).status === run.status) this.options.store.update(id, { status });
    return this.notify(id);
  }

  async resume(id: number): Promise<TrainingRun> {
    const run = this.stored(id);
    const status = nextStatus(run.status, 'resume');
    if (run.status === 'paused') {
      await this.options.host.request('controlTraining', { runId: id, action: 'resume' });
      this.options.store.update(id, { status });
    } else {
      this.options.store.update(id, { status, endedAt: undefined, message: undefined });
      this.pump();
    }
    return this.notify(id);
  }

  /** A queued run is cancelled at once; a training one after its current batch (the result says so). */
  async cancel(id: number): Promise<TrainingRun> {
    const run = this.stored(id);
    const status = nextStatus(run.status, 'cancel'); // throws if it cannot be cancelled
    if (run.status === 'queued') {
      this.options.store.update(id, { status, endedAt: Date.now() });
      return this.notify(id);
    }
    if (this.current?.id === id) {
      this.current.cancelling = true;
      await this.options.host.request('controlTraining', { runId: id, action: 'cancel' });
    }
    return this.notify(id);
  }

  /** Forgets a run and its checkpoint (not the model it made). */
  async remove(id: number): Promise<void> {
    const run = this.stored(id);
    if (isUnfinished(run.status)) throw new RunStateError(`A ${run.status} run cannot be deleted: cancel it first`);
    await rm(this.runDir(id), { recursive: true, force: true });
    this.options.store.delete(id);
  }

  report(id: number): RunReport {
    const run = this.stored(id);
    const report = this.options.store.report(id);
    if (!report)
      throw new Error(
        run.status === 'done'
          ? 'This run has no report'
          : `This run is ${run.status}: its report comes when it is done`,
      );
    return report;
  }

  private stored(id: number): StoredRun {
    const run = this.options.store.get(id);
    if (!run) throw new Error(`No training run ${id}`);
    return run;
  }

  private runDir(id: number): string {
    return path.join(this.options.runsDir, `run-${id}`);
  }

  /** A complete checkpoint (its state file is written last), so the run can go on from it. */
  private hasCheckpoint(id: number): boolean {
    return existsSync(path.join(this.runDir(id), CHECKPOINT_DIR, CHECKPOINT_STATE_FILE));
  }

  private view(run: StoredRun): TrainingRun {
    const current = this.current?.id === run.id ? this.current : undefined;
    return {
      ...run,
      progress: current?.progress,
      message: current?.cancelling ? 'Cancelling after the current batch' : run.message,
      resumable: this.hasCheckpoint(run.id),
    };
  }

  private notify(id: number): TrainingRun {
    const run = this.get(id);
    this.options.onChange?.(run);
    return run;
  }

  private onHostEvent(event: HostEvent): void {
    if (event.event !== 'training') return;
    const { runId, progress } = event;
    const current = this.current;
    if (this.disposed || !current || current.id !== runId) return;
    const { store } = this.options;
    switch (progress.type) {
      case 'teacher-computing':
        store.update(runId, {
          message: `Computing the teacher’s probabilities for ${progress.faces} training faces (once, then kept)…`,
        });
        this.notify(runId);
        return;
      case 'teacher':
        return;
      case 'start':
        store.update(runId, { backend: progress.backend, message: undefined });
        this.notify(runId);
        return;
      case 'batch': {
        const { epoch, batch, batches, loss, accuracy, imagesPerSecond, etaSeconds } = progress;
        current.progress = { epoch, batch, batches, loss, accuracy, imagesPerSecond, etaSeconds };
        const now = Date.now();
        if (now - current.lastNotified < (this.options.progressIntervalMs ?? 250) && batch < batches) return;
        current.lastNotified = now;
        this.notify(runId);
        return;
      }
      case 'epoch': {
        const history = this.stored(runId).history.filter((r) => r.epoch < progress.record.epoch);
        store.setHistory(runId, [...history, progress.record]);
        this.notify(runId);
        return;
      }
      case 'checkpoint':
        return;
    }
  }

  private pump(): void {
    if (this.disposed || this.current || this.pumping) return;
    const next = this.options.store.nextQueued();
    if (!next) return;
    this.pumping = true;
    this.idle = this.execute(next).finally(() => {
      this.pumping = false;
      this.pump();
    });
  }

  private async execute(run: StoredRun): Promise<void> {
    const { store, host, models } = this.options;
    const id = run.id;
    this.current = { id, lastNotified: 0, cancelling: false };
    store.update(id, { status: nextStatus(run.status, 'start'), startedAt: run.startedAt ?? Date.now() });
    this.notify(id);
    const outDir = this.runDir(id);
    try {
      const resume = this.hasCheckpoint(id);
      const initFrom = run.config.fineTuneFrom ? await models.folder(run.config.fineTuneFrom) : undefined;
      const teacher = run.config.teacher ? await this.teacher(run.config.teacher) : undefined;
      const result = await host.request('train', {
        runId: id,
        config: run.config,
        outDir,
        resume,
        initFrom,
        teacher,
        backendCandidates: this.options.backendCandidates,
      });
      if (this.disposed) return;
      if (result.cancelled) {
        store.update(id, {
          status: nextStatus(this.stored(id).status, 'cancel'),
          endedAt: Date.now(),
          message: `Cancelled after ${plural(result.epochsTrained, 'complete epoch')}`,
        });
        return;
      }
      const entry = await models.import(outDir);
      store.update(id, { modelId: entry.id });
      store.saveReport(id, await this.buildReport(run, entry.id));
      await rm(outDir, { recursive: true, force: true });
      // No await between the state change and the notification in `finally`.
      store.update(id, {
        status: nextStatus(this.stored(id).status, 'finish'),
        endedAt: Date.now(),
        message: undefined,
      });
    } catch (error) {
      if (this.disposed) return;
      const status = this.stored(id).status;
      store.update(id, {
        status: canTransition(status, 'fail') ? nextStatus(status, 'fail') : status,
        endedAt: Date.now(),
        message: errorMessage(error),
      });
    } finally {
      this.current = undefined;
      if (!this.disposed) this.notify(id);
    }
  }

  /** The new model on the run's validation faces, and the active model on the same faces. */
  /** A teacher's folder, and its name as the student's recipe records it. */
  private async teacher(id: string): Promise<{ dir: string; name: string }> {
    const dir = await this.options.models.folder(id);
    return { dir, name: (await readMetadata(dir)).name };
  }

  private async buildReport(run: StoredRun, modelId: string): Promise<RunReport> {
    const { host, models } = this.options;
    const dataset: DatasetChoice = {
      datasetPath: run.config.datasetPath,
      validationFraction: run.config.validationFraction,
      seed: run.config.seed,
    };
    const mine = await host.request('evaluateModel', {
      modelDir: await models.folder(modelId),
      dataset,
      mistakes: MISTAKES_SHOWN,
    });
    const history = this.stored(run.id).history;
    const { keptEpoch, recipe } = await readMetadata(await models.folder(modelId));
    const report: RunReport = {
      runId: run.id,
      model: { id: modelId, name: mine.name, evaluation: mine.evaluation },
      mistakes: mine.mistakes,
      split: mine.split,
      savedEpoch: keptEpoch === undefined ? history.at(-1) : history.find((record) => record.epoch === keptEpoch),
      bestEpoch: bestEpoch(history),
      keptBest: recipe.keepBestEpoch ?? false,
    };
    const activeId = models.activeId();
    try {
      const theirs = await host.request('evaluateModel', {
        modelDir: await models.folder(activeId),
        dataset,
        mistakes: 0,
      });
      report.active = { id: activeId, name: theirs.name, evaluation: theirs.evaluation };
    } catch (error) {
      report.activeError = `The active model could not be evaluated: ${errorMessage(error)}`;
    }
    return report;
  }
}
