import type { Logger } from '../log';
import { timed, type Database } from './database';
import { arousalSql, valenceSql } from '../../shared/affect';
import { EMOTIONS, topEmotionIndex, type Emotion } from '../../shared/emotions';
import { defaultSessionName } from '../../shared/format';
import type {
  Baseline,
  BaselineInput,
  EmotionShare,
  Marker,
  SampleInput,
  SampleValues,
  FaceSummary,
  SegmentSummary,
  SessionFilter,
  SessionSource,
  SessionSummary,
  TimelineBucket,
} from '../../shared/sessions';

/** One stored sample, as the CSV export reads it. */
export interface StoredSample {
  sessionId: number;
  sessionName: string;
  startedAt: number;
  offsetMs: number;
  faceId: number;
  /** The participant's name given to the face, if any. */
  faceName?: string;
  topLabel: number;
  confidence: number;
  probabilities: number[];
  /** The probabilities corrected by the face's neutral baseline, when it had one. */
  calibrated?: number[];
  box: { x: number; y: number; width: number; height: number };
}

/** A sample as the recorder writes it: its time, and its calibrated probabilities when the face had a baseline. */
export type TimedSample = SampleInput & { offsetMs: number; calibrated?: readonly number[] };

interface SessionRow {
  id: number;
  name: string;
  started_at: number;
  ended_at: number | null;
  interrupted: number;
  camera: string | null;
  source_file: string | null;
  source_duration_ms: number | null;
  incomplete: number;
  model: string | null;
  notes: string;
  last_offset: number | null;
  samples: number;
  faces: number;
  dominant: number | null;
}

const PROBABILITY_COLUMNS = EMOTIONS.join(', ');
const CALIBRATED_COLUMNS = EMOTIONS.map((emotion) => `calibrated_${emotion}`).join(', ');

/**
 * The SQL of the values a query reads: the model's raw probabilities, or the calibrated ones where a
 * sample has them (the raw ones elsewhere), with the top emotion, valence and arousal to match.
 */
function valuesSql(values: SampleValues) {
  const column =
    values === 'calibrated'
      ? (emotion: Emotion) => `coalesce(calibrated_${emotion}, ${emotion})`
      : (emotion: Emotion) => emotion;
  return {
    top: values === 'calibrated' ? 'coalesce(calibrated_top_label, top_label)' : 'top_label',
    valence: valenceSql(column),
    arousal: arousalSql(column),
    means: EMOTIONS.map((emotion) => `avg(${column(emotion)}) AS ${emotion}`).join(', '),
    sums: EMOTIONS.map((emotion) => `sum(${column(emotion)}) AS ${emotion}`).join(', '),
  };
}

/** The query behind every session summary: the session row with its sample statistics. */
const SUMMARY_SELECT = `
  SELECT s.*,
    (SELECT max(offset_ms) FROM samples WHERE session_id = s.id) AS last_offset,
    (SELECT count(*) FROM samples WHERE session_id = s.id) AS samples,
    (SELECT count(DISTINCT face_id) FROM samples WHERE session_id = s.id) AS faces,
    (SELECT top_label FROM samples WHERE session_id = s.id GROUP BY top_label ORDER BY count(*) DESC, top_label LIMIT 1) AS dominant
  FROM sessions s`;

/**
 * Sessions, samples and markers in one SQLite file (better-sqlite3; no Electron import, so tests
 * and the command line use it directly). WAL mode: a crash loses at most the transaction in flight.
 */
export class SessionStore {
  /** `db`: the app's connection (storage/database.ts), shared with the other stores; its opener closes it. */
  constructor(
    readonly db: Database,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  createSession(options: {
    name?: string;
    startedAt?: number;
    camera?: string;
    model?: string;
    source?: SessionSource;
  }): SessionSummary {
    const startedAt = options.startedAt ?? Date.now();
    const name = options.name?.trim() || options.source?.fileName || defaultSessionName(startedAt);
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO sessions (name, started_at, camera, model, source_file, source_duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        name,
        startedAt,
        options.camera ?? null,
        options.model ?? null,
        options.source?.fileName ?? null,
        options.source ? Math.round(options.source.durationMs) : null,
      );
    return this.session(Number(lastInsertRowid))!;
  }

  /** Writes a batch of samples in one transaction. */
  appendSamples(sessionId: number, samples: readonly TimedSample[]): void {
    const placeholders = EMOTIONS.map(() => '?').join(', ');
    const insert = this.db.prepare(
      `INSERT INTO samples (session_id, offset_ms, face_id, ${PROBABILITY_COLUMNS}, top_label, confidence, box_x, box_y, box_w, box_h,
                            ${CALIBRATED_COLUMNS}, calibrated_top_label)
       VALUES (?, ?, ?, ${placeholders}, ?, ?, ?, ?, ?, ?, ${placeholders}, ?)`,
    );
    const none = EMOTIONS.map(() => null);
    this.db.transaction(() => {
      for (const sample of samples) {
        const p = sample.probabilities;
        const top = topEmotionIndex(p);
        const { x, y, width, height } = sample.box;
        const calibrated = sample.calibrated;
        insert.run(
          sessionId,
          sample.offsetMs,
          sample.faceId,
          ...p,
          top,
          p[top],
          x,
          y,
          width,
          height,
          ...(calibrated ?? none),
          calibrated ? topEmotionIndex(calibrated) : null,
        );
      }
    })();
  }

  /** Stores a participant's neutral baseline, in force for their face from `offsetMs` on. */
  addBaseline(sessionId: number, offsetMs: number, input: BaselineInput): Baseline {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO baselines (session_id, face_id, offset_ms, frames, strength, baseline, reference, model)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sessionId,
        input.faceId,
        Math.round(offsetMs),
        input.frames,
        input.strength,
        JSON.stringify(input.baseline),
        JSON.stringify(input.reference),
        input.model,
      );
    return { id: Number(lastInsertRowid), sessionId, offsetMs: Math.round(offsetMs), ...input };
  }

  /** The baselines taken in a session, in time order. */
  baselines(sessionId: number): Baseline[] {
    const rows = this.db
      .prepare(
        `SELECT id, session_id AS sessionId, face_id AS faceId, offset_ms AS offsetMs, frames, strength, baseline, reference, model
         FROM baselines WHERE session_id = ? ORDER BY offset_ms, id`,
      )
      .all(sessionId) as (Omit<Baseline, 'baseline' | 'reference'> & { baseline: string; reference: string })[];
    return rows.map((row) => ({
      ...row,
      baseline: JSON.parse(row.baseline) as number[],
      reference: JSON.parse(row.reference) as number[],
    }));
  }

  /** `incomplete`: the session's file was not analysed to its end. */
  endSession(id: number, endedAt = Date.now(), incomplete = false): SessionSummary | undefined {
    this.db
      .prepare('UPDATE sessions SET ended_at = ?, incomplete = ? WHERE id = ? AND ended_at IS NULL')
      .run(endedAt, incomplete ? 1 : 0, id);
    return this.session(id);
  }

  /**
   * Closes sessions left open by a crash at their last sample (or their start, if none) and marks
   * them interrupted (and a file's analysis incomplete). `except` is a session still being recorded.
   */
  recoverInterrupted(except?: number): number {
    return this.db
      .prepare(
        `UPDATE sessions SET interrupted = 1, incomplete = (source_file IS NOT NULL),
           ended_at = started_at + coalesce((SELECT max(offset_ms) FROM samples WHERE session_id = sessions.id), 0)
         WHERE ended_at IS NULL AND id IS NOT ?`,
      )
      .run(except ?? null).changes;
  }

  rename(id: number, name: string): void {
    if (!name.trim()) throw new Error('A session needs a name');
    this.db.prepare('UPDATE sessions SET name = ? WHERE id = ?').run(name.trim(), id);
  }

  setNotes(id: number, notes: string): void {
    this.db.prepare('UPDATE sessions SET notes = ? WHERE id = ?').run(notes, id);
  }

  deleteSessions(ids: readonly number[]): number {
    const remove = this.db.prepare('DELETE FROM sessions WHERE id = ?');
    return this.db.transaction(() => ids.reduce((count, id) => count + remove.run(id).changes, 0))();
  }

  session(id: number): SessionSummary | undefined {
    return timed(this.log, 'session', () => {
      const row = this.db.prepare(`${SUMMARY_SELECT} WHERE s.id = ?`).get(id) as SessionRow | undefined;
      return row && toSummary(row);
    });
  }

  listSessions(filter: SessionFilter = {}): SessionSummary[] {
    return timed(this.log, 'listSessions', () => {
      const rows = this.db
        .prepare(
          `${SUMMARY_SELECT}
           WHERE (:query IS NULL OR instr(lower(s.name), lower(:query)) > 0)
             AND (:from IS NULL OR s.started_at >= :from)
             AND (:to IS NULL OR s.started_at < :to)
           ORDER BY s.started_at DESC`,
        )
        .all({ query: filter.query || null, from: filter.from ?? null, to: filter.to ?? null }) as SessionRow[];
      return rows.map(toSummary);
    });
  }

  addMarker(sessionId: number, offsetMs: number, text: string): Marker {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO markers (session_id, offset_ms, text) VALUES (?, ?, ?)')
      .run(sessionId, offsetMs, text);
    return { id: Number(lastInsertRowid), sessionId, offsetMs, text };
  }

  marker(id: number): Marker | undefined {
    return this.db
      .prepare('SELECT id, session_id AS sessionId, offset_ms AS offsetMs, text FROM markers WHERE id = ?')
      .get(id) as Marker | undefined;
  }

  /** Renames and/or moves a marker; returns it as it now is (undefined if there is none). */
  updateMarker(id: number, change: { text?: string; offsetMs?: number }): Marker | undefined {
    this.db
      .prepare(
        'UPDATE markers SET text = coalesce(:text, text), offset_ms = coalesce(:offset, offset_ms) WHERE id = :id',
      )
      .run({
        id,
        text: change.text ?? null,
        offset: change.offsetMs === undefined ? null : Math.round(change.offsetMs),
      });
    return this.marker(id);
  }

  deleteMarker(id: number): boolean {
    return this.db.prepare('DELETE FROM markers WHERE id = ?').run(id).changes > 0;
  }

  markers(sessionId: number): Marker[] {
    return this.db
      .prepare(
        'SELECT id, session_id AS sessionId, offset_ms AS offsetMs, text FROM markers WHERE session_id = ? ORDER BY offset_ms, id',
      )
      .all(sessionId) as Marker[];
  }

  faces(sessionId: number): number[] {
    return (
      this.db
        .prepare('SELECT DISTINCT face_id AS id FROM samples WHERE session_id = ? ORDER BY face_id')
        .all(sessionId) as {
        id: number;
      }[]
    ).map((row) => row.id);
  }

  /** Mean probabilities per `bucketMs` of the session (all faces, or one), computed in SQL. */
  /** `faces`: one face, several (their samples together), or undefined for all. */
  timeline(
    sessionId: number,
    bucketMs: number,
    faces?: number | readonly number[],
    values: SampleValues = 'raw',
  ): TimelineBucket[] {
    const ids = faces === undefined ? null : JSON.stringify(typeof faces === 'number' ? [faces] : faces);
    return timed(this.log, 'timeline', () => {
      const sql = valuesSql(values);
      const rows = this.db
        .prepare(
          // JavaScript numbers bind as REAL: cast, for integer division.
          `SELECT (offset_ms / CAST(:bucket AS INTEGER)) * CAST(:bucket AS INTEGER) AS offsetMs, count(*) AS samples, ${sql.means},
                  avg(${sql.valence}) AS valence, avg(${sql.arousal}) AS arousal
           FROM samples WHERE session_id = :session AND (:faces IS NULL OR face_id IN (SELECT value FROM json_each(:faces)))
           GROUP BY 1 ORDER BY 1`,
        )
        .all({ bucket: Math.max(1, Math.round(bucketMs)), session: sessionId, faces: ids }) as ({
        offsetMs: number;
        samples: number;
      } & Record<string, number>)[];
      return rows.map((row) => ({
        offsetMs: row.offsetMs,
        samples: row.samples,
        probabilities: EMOTIONS.map((emotion) => row[emotion]),
        valence: row.valence,
        arousal: row.arousal,
      }));
    });
  }

  /** Per emotion: the share of samples it was on top of, and its mean probability (one pass in SQL). */
  distribution(sessionId: number, faceId?: number, values: SampleValues = 'raw'): EmotionShare[] {
    return timed(this.log, 'distribution', () => {
      const sql = valuesSql(values);
      const groups = this.db
        .prepare(
          `SELECT ${sql.top} AS label, count(*) AS n, ${sql.sums}
           FROM samples WHERE session_id = :session AND (:face IS NULL OR face_id = :face) GROUP BY label`,
        )
        .all({ session: sessionId, face: faceId ?? null }) as ({ label: number; n: number } & Record<string, number>)[];
      const total = groups.reduce((sum, group) => sum + group.n, 0);
      return EMOTIONS.map((emotion, label) => ({
        emotion,
        timeShare: total ? (groups.find((group) => group.label === label)?.n ?? 0) / total : 0,
        meanProbability: total ? groups.reduce((sum, group) => sum + group[emotion], 0) / total : 0,
      }));
    });
  }

  /** Mean valence and arousal of a session's samples (all faces, or one); undefined when it has none. */
  affect(
    sessionId: number,
    faceId?: number,
    values: SampleValues = 'raw',
  ): { valence: number; arousal: number } | undefined {
    const sql = valuesSql(values);
    const row = this.db
      .prepare(
        `SELECT avg(${sql.valence}) AS valence, avg(${sql.arousal}) AS arousal
         FROM samples WHERE session_id = :session AND (:face IS NULL OR face_id = :face)`,
      )
      .get({ session: sessionId, face: faceId ?? null }) as { valence: number | null; arousal: number | null };
    return row.valence === null || row.arousal === null ? undefined : { valence: row.valence, arousal: row.arousal };
  }

  /**
   * The session cut at its markers: one segment before the first marker (when the session does not
   * start with one), then one per marker up to the next one or `endMs`. One indexed range query a segment.
   */
  segments(sessionId: number, endMs: number, faceId?: number, values: SampleValues = 'raw'): SegmentSummary[] {
    return timed(this.log, 'segments', () => {
      const sql = valuesSql(values);
      const markers = this.markers(sessionId);
      const bounds: { marker?: Marker; startMs: number }[] = [
        ...(markers[0]?.offsetMs === 0 ? [] : [{ startMs: 0 }]),
        ...markers.map((marker) => ({ marker, startMs: marker.offsetMs })),
      ];
      const counts = this.db.prepare(
        `SELECT ${sql.top} AS label, count(*) AS n, sum(${sql.valence}) AS valence, sum(${sql.arousal}) AS arousal
         FROM samples WHERE session_id = :session AND (:face IS NULL OR face_id = :face)
           AND offset_ms >= :start AND (:end IS NULL OR offset_ms < :end)
         GROUP BY label`,
      );
      return bounds.map(({ marker, startMs }, i) => {
        const next = bounds[i + 1]?.startMs;
        const groups = counts.all({
          session: sessionId,
          face: faceId ?? null,
          start: startMs,
          end: next ?? null,
        }) as SegmentCounts[];
        return summariseSegment(
          { markerId: marker?.id, label: marker?.text ?? 'Start', startMs, endMs: Math.max(startMs, next ?? endMs) },
          groups,
        );
      });
    });
  }

  /** Names a face of a session; an empty name removes it. */
  nameFace(sessionId: number, faceId: number, name: string): void {
    if (name.trim()) {
      this.db
        .prepare(
          `INSERT INTO participants (session_id, face_id, name) VALUES (?, ?, ?)
           ON CONFLICT (session_id, face_id) DO UPDATE SET name = excluded.name`,
        )
        .run(sessionId, faceId, name.trim());
    } else {
      this.db.prepare('DELETE FROM participants WHERE session_id = ? AND face_id = ?').run(sessionId, faceId);
    }
  }

  /** The names given to a session's faces, by face number. */
  faceNames(sessionId: number): Map<number, string> {
    const rows = this.db
      .prepare('SELECT face_id AS faceId, name FROM participants WHERE session_id = ?')
      .all(sessionId) as { faceId: number; name: string }[];
    return new Map(rows.map((row) => [row.faceId, row.name]));
  }

  /**
   * Makes face `from` part of face `into` (the tracker lost a person for a moment and gave them a
   * new number): its samples move over, and its name too when `into` has none. Returns the samples moved.
   */
  mergeFaces(sessionId: number, into: number, from: number): number {
    if (into === from) throw new Error('A face cannot be merged into itself');
    return this.db.transaction(() => {
      const moved = this.db
        .prepare('UPDATE samples SET face_id = ? WHERE session_id = ? AND face_id = ?')
        .run(into, sessionId, from).changes;
      this.db
        .prepare('UPDATE baselines SET face_id = ? WHERE session_id = ? AND face_id = ?')
        .run(into, sessionId, from);
      const names = this.faceNames(sessionId);
      if (!names.has(into) && names.has(from)) this.nameFace(sessionId, into, names.get(from)!);
      this.nameFace(sessionId, from, '');
      return moved;
    })();
  }

  /** Per face: how long it was seen, what it showed, its mean valence and arousal; with its name. */
  faceSummaries(sessionId: number, values: SampleValues = 'raw'): FaceSummary[] {
    return timed(this.log, 'faceSummaries', () => {
      const names = this.faceNames(sessionId);
      const sql = valuesSql(values);
      const rows = this.db
        .prepare(
          `SELECT face_id AS faceId, count(*) AS samples, count(DISTINCT offset_ms / 1000) AS secondsInView,
                  ${sql.means}, avg(${sql.valence}) AS valence, avg(${sql.arousal}) AS arousal
           FROM samples WHERE session_id = ? GROUP BY face_id ORDER BY face_id`,
        )
        .all(sessionId) as ({
        faceId: number;
        samples: number;
        secondsInView: number;
        valence: number;
        arousal: number;
      } & Record<string, number>)[];
      // Every face's samples by top emotion in one query, not one query a face.
      const byTop = this.db
        .prepare(
          `SELECT face_id AS faceId, ${sql.top} AS label, count(*) AS n FROM samples WHERE session_id = ? GROUP BY face_id, label`,
        )
        .all(sessionId) as { faceId: number; label: number; n: number }[];
      return rows.map((row) => {
        const { timeShares, dominant } = topShares(byTop.filter((group) => group.faceId === row.faceId));
        const name = names.get(row.faceId);
        return {
          faceId: row.faceId,
          ...(name === undefined ? {} : { name }),
          samples: row.samples,
          secondsInView: row.secondsInView,
          dominant,
          timeShares,
          meanProbabilities: EMOTIONS.map((emotion) => row[emotion]),
          valence: row.valence,
          arousal: row.arousal,
        };
      });
    });
  }

  /** Every sample of the given sessions (all when undefined), in session and time order, one at a time. */
  *iterateSamples(sessionIds?: readonly number[]): Generator<StoredSample> {
    const ids =
      sessionIds ?? (this.db.prepare('SELECT id FROM sessions ORDER BY started_at, id').pluck().all() as number[]);
    const select = this.db.prepare(
      `SELECT s.id AS sessionId, s.name AS sessionName, s.started_at AS startedAt, x.offset_ms AS offsetMs,
              x.face_id AS faceId, x.top_label AS topLabel, x.confidence, ${EMOTIONS.map((e) => `x.${e}`).join(', ')},
              x.box_x, x.box_y, x.box_w, x.box_h, p.name AS faceName, ${EMOTIONS.map((e) => `x.calibrated_${e}`).join(', ')}
       FROM samples x JOIN sessions s ON s.id = x.session_id
       LEFT JOIN participants p ON p.session_id = x.session_id AND p.face_id = x.face_id
       WHERE x.session_id = ? ORDER BY x.offset_ms, x.face_id`,
    );
    for (const id of ids) {
      for (const row of select.iterate(id) as IterableIterator<Record<string, number | string | null>>) {
        yield {
          sessionId: row.sessionId as number,
          sessionName: row.sessionName as string,
          startedAt: row.startedAt as number,
          offsetMs: row.offsetMs as number,
          faceId: row.faceId as number,
          ...(row.faceName === null ? {} : { faceName: row.faceName as string }),
          topLabel: row.topLabel as number,
          confidence: row.confidence as number,
          probabilities: EMOTIONS.map((emotion) => row[emotion] as number),
          ...(row.calibrated_angry === null
            ? {}
            : { calibrated: EMOTIONS.map((emotion) => row[`calibrated_${emotion}`] as number) }),
          box: {
            x: row.box_x as number,
            y: row.box_y as number,
            width: row.box_w as number,
            height: row.box_h as number,
          },
        };
      }
    }
  }
}

/** Samples of one segment with one top emotion: how many, and their summed valence and arousal. */
export interface SegmentCounts {
  label: number;
  n: number;
  valence: number;
  arousal: number;
}

/** From samples counted by top emotion: each emotion's share, and the most frequent (the first on a tie). */
function topShares(groups: readonly { label: number; n: number }[]): {
  samples: number;
  timeShares: number[];
  dominant?: Emotion;
} {
  const samples = groups.reduce((sum, group) => sum + group.n, 0);
  if (samples === 0) return { samples, timeShares: EMOTIONS.map(() => 0) };
  const timeShares = EMOTIONS.map((_, label) => (groups.find((group) => group.label === label)?.n ?? 0) / samples);
  return { samples, timeShares, dominant: EMOTIONS[timeShares.indexOf(Math.max(...timeShares))] };
}

/** A segment's statistics from its samples grouped by top emotion. */
export function summariseSegment(
  segment: Pick<SegmentSummary, 'markerId' | 'label' | 'startMs' | 'endMs'>,
  groups: readonly SegmentCounts[],
): SegmentSummary {
  const { samples, timeShares, dominant } = topShares(groups);
  return {
    ...(segment.markerId === undefined ? {} : { markerId: segment.markerId }),
    label: segment.label,
    startMs: segment.startMs,
    endMs: segment.endMs,
    samples,
    timeShares,
    ...(samples
      ? {
          dominant,
          valence: groups.reduce((sum, group) => sum + group.valence, 0) / samples,
          arousal: groups.reduce((sum, group) => sum + group.arousal, 0) / samples,
        }
      : {}),
  };
}

function toSummary(row: SessionRow): SessionSummary {
  const end = row.ended_at ?? row.started_at + (row.last_offset ?? 0);
  const source: SessionSource | undefined =
    row.source_file === null
      ? undefined
      : { kind: 'video', fileName: row.source_file, durationMs: row.source_duration_ms ?? 0 };
  const analysedToEnd = row.ended_at !== null && row.incomplete === 0;
  return {
    id: row.id,
    name: row.name,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    interrupted: row.interrupted === 1,
    camera: row.camera ?? undefined,
    ...(source ? { source } : {}),
    incomplete: row.incomplete === 1,
    model: row.model ?? undefined,
    notes: row.notes,
    durationMs: source ? (analysedToEnd ? source.durationMs : (row.last_offset ?? 0)) : end - row.started_at,
    samples: row.samples,
    faces: row.faces,
    dominant: row.dominant === null ? undefined : EMOTIONS[row.dominant],
  };
}
