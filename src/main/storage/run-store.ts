import type { Database } from './database';
import type { EpochRecord, RunReport, RunStatus, TrainingConfig, TrainingRun } from '@shared/training';

/** A training run as the database keeps it (progress and resumability live in memory and on disk). */
export type StoredRun = Omit<TrainingRun, 'progress' | 'resumable'>;

interface RunRow {
  id: number;
  config: string;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  history: string;
  backend: string | null;
  message: string | null;
  model_id: string | null;
  has_report: number;
}

const COLUMNS = `id, config, status, created_at, started_at, ended_at, history, backend, message, model_id,
  report IS NOT NULL AS has_report`;

function fromRow(row: RunRow): StoredRun {
  return {
    id: row.id,
    config: JSON.parse(row.config) as TrainingConfig,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at ?? undefined,
    endedAt: row.ended_at ?? undefined,
    history: JSON.parse(row.history) as EpochRecord[],
    backend: row.backend ?? undefined,
    message: row.message ?? undefined,
    modelId: row.model_id ?? undefined,
    hasReport: row.has_report === 1,
  };
}

/** Faces are bytes in memory and base64 in the stored JSON. */
type StoredReport = Omit<RunReport, 'mistakes'> & {
  mistakes: (Omit<RunReport['mistakes'][number], 'pixels'> & { pixels: string })[];
};

/** The training_runs table (migration 3). */
export class RunStore {
  constructor(private readonly db: Database) {}

  create(config: TrainingConfig, createdAt = Date.now()): StoredRun {
    const { lastInsertRowid } = this.db
      .prepare(`INSERT INTO training_runs (config, status, created_at) VALUES (?, 'queued', ?)`)
      .run(JSON.stringify(config), createdAt);
    return this.get(Number(lastInsertRowid))!;
  }

  get(id: number): StoredRun | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM training_runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row && fromRow(row);
  }

  /** Newest first. */
  list(): StoredRun[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM training_runs ORDER BY id DESC`).all() as RunRow[]).map(fromRow);
  }

  /** The oldest queued run: the queue runs in the order runs were added. */
  nextQueued(): StoredRun | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS} FROM training_runs WHERE status = 'queued' ORDER BY id LIMIT 1`)
      .get() as RunRow | undefined;
    return row && fromRow(row);
  }

  update(
    id: number,
    change: Partial<Pick<StoredRun, 'status' | 'startedAt' | 'endedAt' | 'backend' | 'message' | 'modelId'>>,
  ): void {
    const columns: Record<string, string> = {
      status: 'status',
      startedAt: 'started_at',
      endedAt: 'ended_at',
      backend: 'backend',
      message: 'message',
      modelId: 'model_id',
    };
    const entries = Object.entries(change).filter(([key]) => key in columns);
    if (entries.length === 0) return;
    this.db
      .prepare(`UPDATE training_runs SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')} WHERE id = ?`)
      .run(...entries.map(([, value]) => value ?? null), id);
  }

  /** Keeps the epochs a run has completed (a resumed run continues the same history). */
  setHistory(id: number, history: readonly EpochRecord[]): void {
    this.db.prepare('UPDATE training_runs SET history = ? WHERE id = ?').run(JSON.stringify(history), id);
  }

  saveReport(id: number, report: RunReport): void {
    const stored: StoredReport = {
      ...report,
      mistakes: report.mistakes.map((m) => ({ ...m, pixels: Buffer.from(m.pixels).toString('base64') })),
    };
    this.db.prepare('UPDATE training_runs SET report = ? WHERE id = ?').run(JSON.stringify(stored), id);
  }

  report(id: number): RunReport | undefined {
    const row = this.db.prepare('SELECT report FROM training_runs WHERE id = ?').get(id) as
      { report: string | null } | undefined;
    if (!row?.report) return undefined;
    const stored = JSON.parse(row.report) as StoredReport;
    return {
      ...stored,
      mistakes: stored.mistakes.map((m) => ({ ...m, pixels: new Uint8Array(Buffer.from(m.pixels, 'base64')) })),
    };
  }

  /** The run that made a library model, if a run did. */
  runOfModel(modelId: string): number | undefined {
    const row = this.db.prepare('SELECT id FROM training_runs WHERE model_id = ?').get(modelId) as
      { id: number } | undefined;
    return row?.id;
  }

  delete(id: number): void {
    this.db.prepare('DELETE FROM training_runs WHERE id = ?').run(id);
  }
}
