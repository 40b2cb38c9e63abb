import type { Logger } from '../log';
import { timed, type Database } from './database';
import { summariseSegment, topShares, type SegmentCounts } from './segment-summary';
import { arousalSql, valenceSql } from '@shared/affect';
import { EMOTIONS, type Emotion } from '@shared/emotions';
import type {
  Baseline,
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
} from '@shared/sessions';

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
 * The read side of the sessions database: summaries, markers, faces and the analytics History,
 * the report and the exports draw (timelines, distributions, valence and arousal, segments, per-face
 * figures). SessionStore adds the writes; both share the app's one connection.
 */
export class SessionReads {
  /** `db`: the app's connection (storage/database.ts), shared with the other stores; its opener closes it. */
  constructor(
    readonly db: Database,
    protected readonly log?: Pick<Logger, 'warn'>,
  ) {}

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
  marker(id: number): Marker | undefined {
    return this.db
      .prepare('SELECT id, session_id AS sessionId, offset_ms AS offsetMs, text FROM markers WHERE id = ?')
      .get(id) as Marker | undefined;
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
  /** The names given to a session's faces, by face number. */
  faceNames(sessionId: number): Map<number, string> {
    const rows = this.db
      .prepare('SELECT face_id AS faceId, name FROM participants WHERE session_id = ?')
      .all(sessionId) as { faceId: number; name: string }[];
    return new Map(rows.map((row) => [row.faceId, row.name]));
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
