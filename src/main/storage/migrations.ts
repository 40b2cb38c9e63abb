import type { Database } from 'better-sqlite3';
import { CREATE_SAMPLE_SUMS, rebuildSums } from './sample-sums';

/**
 * Forward migrations, applied in order at start-up; PRAGMA user_version holds how many ran.
 * Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  // 1: sessions, their samples and markers. Times are ms since the Unix epoch (UTC); sample and
  // marker times are offsets in ms from the session start. Boxes are fractions of the frame.
  (db) =>
    db.exec(`
      CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL,
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        interrupted INTEGER NOT NULL DEFAULT 0,
        camera      TEXT,
        model       TEXT,
        notes       TEXT    NOT NULL DEFAULT ''
      );
      CREATE TABLE samples (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        offset_ms  INTEGER NOT NULL,
        face_id    INTEGER NOT NULL,
        angry      REAL    NOT NULL,
        disgust    REAL    NOT NULL,
        fear       REAL    NOT NULL,
        happy      REAL    NOT NULL,
        sad        REAL    NOT NULL,
        surprise   REAL    NOT NULL,
        neutral    REAL    NOT NULL,
        top_label  INTEGER NOT NULL,
        confidence REAL    NOT NULL,
        box_x      REAL    NOT NULL,
        box_y      REAL    NOT NULL,
        box_w      REAL    NOT NULL,
        box_h      REAL    NOT NULL
      );
      CREATE INDEX samples_by_session ON samples (session_id, offset_ms);
      CREATE TABLE markers (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        offset_ms  INTEGER NOT NULL,
        text       TEXT    NOT NULL
      );
      CREATE INDEX markers_by_session ON markers (session_id, offset_ms);
    `),
  // 2: app settings kept with the data they refer to (the active model, for one).
  (db) => db.exec(`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`),
  // 3: training runs of the wizard: their setup (JSON), state, per-epoch history (JSON), the model
  // they made (a model library id) and their evaluation report (JSON, faces base64).
  (db) =>
    db.exec(`
      CREATE TABLE training_runs (
        id         INTEGER PRIMARY KEY,
        config     TEXT    NOT NULL,
        status     TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at   INTEGER,
        history    TEXT    NOT NULL DEFAULT '[]',
        backend    TEXT,
        message    TEXT,
        model_id   TEXT,
        report     TEXT
      );
    `),
  // 4: sessions analysed from a video file: its name and length (NULL for live sessions), sample
  // offsets in video time, and whether the analysis stopped before the end of the file.
  (db) =>
    db.exec(`
      ALTER TABLE sessions ADD COLUMN source_file TEXT;
      ALTER TABLE sessions ADD COLUMN source_duration_ms INTEGER;
      ALTER TABLE sessions ADD COLUMN incomplete INTEGER NOT NULL DEFAULT 0;
    `),
  // 5: participants: a name for a face number of a session (the tracker's #1, #2…).
  (db) =>
    db.exec(`
      CREATE TABLE participants (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        face_id    INTEGER NOT NULL,
        name       TEXT    NOT NULL,
        PRIMARY KEY (session_id, face_id)
      ) STRICT;
    `),
  // 6: neutral-baseline calibration. A participant's baseline (their resting face's mean
  // distribution, JSON) and the model's reference it was matched to, from the time it was taken;
  // samples of a calibrated face keep their calibrated probabilities beside the raw ones (NULL
  // where the face had no baseline), so either can be shown and exported.
  (db) =>
    db.exec(`
      CREATE TABLE baselines (
        id         INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        face_id    INTEGER NOT NULL,
        offset_ms  INTEGER NOT NULL,
        frames     INTEGER NOT NULL,
        strength   REAL    NOT NULL,
        baseline   TEXT    NOT NULL,
        reference  TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX baselines_by_session ON baselines (session_id, face_id, offset_ms);
      ALTER TABLE samples ADD COLUMN calibrated_angry REAL;
      ALTER TABLE samples ADD COLUMN calibrated_disgust REAL;
      ALTER TABLE samples ADD COLUMN calibrated_fear REAL;
      ALTER TABLE samples ADD COLUMN calibrated_happy REAL;
      ALTER TABLE samples ADD COLUMN calibrated_sad REAL;
      ALTER TABLE samples ADD COLUMN calibrated_surprise REAL;
      ALTER TABLE samples ADD COLUMN calibrated_neutral REAL;
      ALTER TABLE samples ADD COLUMN calibrated_top_label INTEGER;
    `),
  // 7: the model a baseline was measured with (it corrects that model's outputs only). Earlier
  // baselines were taken with their session's model, the only one the live view could apply them to.
  (db) =>
    db.exec(`
      ALTER TABLE baselines ADD COLUMN model TEXT NOT NULL DEFAULT '';
      UPDATE baselines SET model = COALESCE((SELECT model FROM sessions WHERE sessions.id = baselines.session_id), '');
    `),
  // 8: per-face sums of samples over 1 s, 5 s, 30 s and 5 min (sample-sums.ts), which History reads
  // instead of the samples; computed here for the sessions already recorded. Should the sums'
  // definition change, a later migration drops and rebuilds them.
  (db) => {
    db.exec(CREATE_SAMPLE_SUMS);
    rebuildSums(db);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to SCHEMA_VERSION, each migration in its own transaction. */
export function migrate(db: Database): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `The sessions database is from a newer Emotion Monitor (schema ${from}, this version knows ${SCHEMA_VERSION})`,
    );
  }
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      MIGRATIONS[version](db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return from;
}
