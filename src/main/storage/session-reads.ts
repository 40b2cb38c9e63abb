import type { Logger } from '../log';
import { timed, type Database } from './database';
import {
  addTotals,
  bucketSumsSql,
  rangePieces,
  spanFor,
  toTotals,
  totalsOfSamplesSql,
  totalsOfSumsSql,
  WHOLE_SPAN_MS,
  type Totals,
} from './sample-sums';
import { summariseSegment, topShares } from './segment-summary';
import { EMOTIONS } from '@shared/emotions';
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

/** A stretch of a session, in ms from its start: `fromMs` up to (not including) `toMs`. */
export interface Stretch {
  fromMs: number;
  toMs: number;
}

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
  /** JSON [samples, faces, then per emotion the samples it was on top of]; null values without samples. */
  totals: string;
}

/**
 * The query behind every session summary: the session row, its last sample's time (from the
 * samples' index) and, from its five-minute sums, its sample count, faces and top-emotion counts.
 */
const SUMMARY_SELECT = `
  SELECT s.*,
    (SELECT max(offset_ms) FROM samples WHERE session_id = s.id) AS last_offset,
    (SELECT json_array(sum(n), count(DISTINCT face_id), ${EMOTIONS.map((emotion) => `sum(top_${emotion})`).join(', ')})
     FROM sample_sums WHERE session_id = s.id AND span_ms = ${WHOLE_SPAN_MS}) AS totals
  FROM sessions s`;

/** Bound in SQL for "no end". */
const NO_END = Number.MAX_SAFE_INTEGER;

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
    return this.db
      .prepare(
        `SELECT DISTINCT face_id FROM sample_sums WHERE session_id = ? AND span_ms = ${WHOLE_SPAN_MS} ORDER BY face_id`,
      )
      .pluck()
      .all(sessionId) as number[];
  }
  /**
   * Mean probabilities, valence and arousal per `bucketMs` of the session, of all faces or of some
   * (their samples together). Read from the sums whose span divides the bucket, else from the samples.
   * `stretch`: only the buckets from `fromMs` up to `toMs` (multiples of the bucket), for a zoomed chart.
   */
  timeline(
    sessionId: number,
    bucketMs: number,
    faces?: number | readonly number[],
    values: SampleValues = 'raw',
    stretch?: Stretch,
  ): TimelineBucket[] {
    const ids = faces === undefined ? undefined : typeof faces === 'number' ? [faces] : faces;
    return timed(
      this.log,
      'timeline',
      () => this.bucketTotals(sessionId, bucketMs, ids, values, false, stretch).get(0) ?? [],
    );
  }
  /** One timeline per face (History's lanes), all in one query. */
  faceTimelines(
    sessionId: number,
    bucketMs: number,
    faces: readonly number[],
    values: SampleValues = 'raw',
  ): Map<number, TimelineBucket[]> {
    if (faces.length === 0) return new Map();
    return timed(this.log, 'faceTimelines', () => this.bucketTotals(sessionId, bucketMs, faces, values, true));
  }
  /** Buckets of the given faces' samples (all faces when undefined), together (under key 0) or by face. */
  private bucketTotals(
    sessionId: number,
    bucketMs: number,
    faces: readonly number[] | undefined,
    values: SampleValues,
    byFace: boolean,
    stretch: Stretch = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER },
  ): Map<number, TimelineBucket[]> {
    const bucket = Math.max(1, Math.round(bucketMs));
    const span = spanFor(bucket);
    const at = span === undefined ? 'offset_ms' : 'start_ms';
    const filter = `AND (:faces IS NULL OR face_id IN (SELECT value FROM json_each(:faces)))
      AND ${at} >= :from AND ${at} < :to`;
    // A bucket the size of a span is that span's rows as they are: no grouping and no sort.
    const sql =
      span === undefined
        ? `SELECT ${byFace ? 'face_id' : '0'} AS face, CAST(offset_ms / ${bucket} AS INTEGER) * ${bucket} AS start,
                  ${bucketSumsSql(values, 'samples')}
           FROM samples WHERE session_id = :session ${filter}
           GROUP BY start, face ORDER BY start, face`
        : span === bucket && byFace
          ? `SELECT face_id, start_ms, ${bucketSumsSql(values, 'span-rows')}
             FROM sample_sums WHERE session_id = :session AND span_ms = ${span} ${filter}
             ORDER BY start_ms, face_id`
          : `SELECT ${byFace ? 'face_id' : '0'} AS face, CAST(start_ms / ${bucket} AS INTEGER) * ${bucket} AS start,
                    ${bucketSumsSql(values, 'sums')}
             FROM sample_sums WHERE session_id = :session AND span_ms = ${span} ${filter}
             GROUP BY start, face ORDER BY start, face`;
    // Read raw (arrays, not objects): a day of twenty faces is tens of thousands of rows.
    const rows = this.db
      .prepare(sql)
      .raw(true)
      .all({
        session: sessionId,
        faces: faces === undefined ? null : JSON.stringify(faces),
        from: stretch.fromMs,
        to: stretch.toMs,
      }) as number[][];
    const timelines = new Map<number, TimelineBucket[]>();
    for (const [face, start, n, ...sums] of rows) {
      let timeline = timelines.get(face);
      if (!timeline) timelines.set(face, (timeline = []));
      timeline.push({
        offsetMs: start,
        samples: n,
        probabilities: sums.slice(0, EMOTIONS.length).map((sum) => sum / n),
        valence: sums[EMOTIONS.length] / n,
        arousal: sums[EMOTIONS.length + 1] / n,
      });
    }
    return timelines;
  }
  /** Totals of a session's samples, of all faces or one, from its five-minute sums. */
  totals(sessionId: number, faceId?: number, values: SampleValues = 'raw'): Totals {
    const row = this.db
      .prepare(
        `SELECT ${totalsOfSumsSql(values)} FROM sample_sums
         WHERE session_id = :session AND span_ms = ${WHOLE_SPAN_MS} AND (:face IS NULL OR face_id = :face)`,
      )
      .get({ session: sessionId, face: faceId ?? null }) as Record<string, number | null>;
    return toTotals(row);
  }
  /** Per emotion: the share of samples it was on top of, and its mean probability. */
  distribution(sessionId: number, faceId?: number, values: SampleValues = 'raw'): EmotionShare[] {
    return timed(this.log, 'distribution', () => {
      const { n, tops, probabilities } = this.totals(sessionId, faceId, values);
      return EMOTIONS.map((emotion, c) => ({
        emotion,
        timeShare: n ? tops[c] / n : 0,
        meanProbability: n ? probabilities[c] / n : 0,
      }));
    });
  }
  /** Mean valence and arousal of a session's samples (all faces, or one); undefined when it has none. */
  affect(
    sessionId: number,
    faceId?: number,
    values: SampleValues = 'raw',
  ): { valence: number; arousal: number } | undefined {
    const { n, valence, arousal } = this.totals(sessionId, faceId, values);
    return n ? { valence: valence / n, arousal: arousal / n } : undefined;
  }
  /**
   * The session cut at its markers: one segment before the first marker (when the session does not
   * start with one), then one per marker up to the next one or `endMs`. Each segment sums whole
   * 5 min, 30 s, 5 s and 1 s spans, and the samples of the part-seconds at its edges (sample-sums.ts).
   */
  segments(sessionId: number, endMs: number, faceId?: number, values: SampleValues = 'raw'): SegmentSummary[] {
    return timed(this.log, 'segments', () => {
      const markers = this.markers(sessionId);
      const bounds: { marker?: Marker; startMs: number }[] = [
        ...(markers[0]?.offsetMs === 0 ? [] : [{ startMs: 0 }]),
        ...markers.map((marker) => ({ marker, startMs: marker.offsetMs })),
      ];
      const fromSums = this.db.prepare(
        `SELECT ${totalsOfSumsSql(values)} FROM sample_sums
         WHERE session_id = :session AND span_ms = :span AND start_ms >= :from AND start_ms < :to
           AND (:face IS NULL OR face_id = :face)`,
      );
      const fromSamples = this.db.prepare(
        `SELECT ${totalsOfSamplesSql(values)} FROM samples
         WHERE session_id = :session AND offset_ms >= :from AND offset_ms < :to AND (:face IS NULL OR face_id = :face)`,
      );
      return bounds.map(({ marker, startMs }, i) => {
        const next = bounds[i + 1]?.startMs;
        const parts = rangePieces(startMs, next ?? Infinity).map((piece) => {
          const bind = {
            session: sessionId,
            face: faceId ?? null,
            from: piece.fromMs,
            to: piece.toMs === Infinity ? NO_END : piece.toMs,
          };
          const row = piece.span === 'samples' ? fromSamples.get(bind) : fromSums.get({ ...bind, span: piece.span });
          return toTotals(row as Record<string, number | null>);
        });
        return summariseSegment(
          { markerId: marker?.id, label: marker?.text ?? 'Start', startMs, endMs: Math.max(startMs, next ?? endMs) },
          addTotals(parts),
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
      const rows = this.db
        .prepare(
          `SELECT face_id AS faceId, ${totalsOfSumsSql(values)} FROM sample_sums
           WHERE session_id = ? AND span_ms = ${WHOLE_SPAN_MS} GROUP BY face_id ORDER BY face_id`,
        )
        .all(sessionId) as ({ faceId: number } & Record<string, number>)[];
      return rows.map((row) => {
        const totals = toTotals(row);
        const { timeShares, dominant } = topShares(totals);
        const name = names.get(row.faceId);
        return {
          faceId: row.faceId,
          ...(name === undefined ? {} : { name }),
          samples: totals.n,
          secondsInView: totals.seconds,
          dominant,
          timeShares,
          meanProbabilities: totals.probabilities.map((sum) => sum / totals.n),
          valence: totals.valence / totals.n,
          arousal: totals.arousal / totals.n,
        };
      });
    });
  }
  /**
   * The samples of the given sessions (all when undefined), oldest session first, in time order,
   * a page (a span of recorded time) at a time. Each page is read whole, so no statement stays open
   * between pages: the recorder can write while an export waits for its disk.
   */
  *samplePages(sessionIds?: readonly number[]): Generator<StoredSample[]> {
    const ids =
      sessionIds ?? (this.db.prepare('SELECT id FROM sessions ORDER BY started_at, id').pluck().all() as number[]);
    const next = this.db.prepare('SELECT min(offset_ms) FROM samples WHERE session_id = ? AND offset_ms >= ?').pluck();
    const page = this.db.prepare(
      `SELECT s.id AS sessionId, s.name AS sessionName, s.started_at AS startedAt, x.offset_ms AS offsetMs,
              x.face_id AS faceId, x.top_label AS topLabel, x.confidence, ${EMOTIONS.map((e) => `x.${e}`).join(', ')},
              x.box_x, x.box_y, x.box_w, x.box_h, p.name AS faceName, ${EMOTIONS.map((e) => `x.calibrated_${e}`).join(', ')}
       FROM samples x JOIN sessions s ON s.id = x.session_id
       LEFT JOIN participants p ON p.session_id = x.session_id AND p.face_id = x.face_id
       WHERE x.session_id = ? AND x.offset_ms >= ? AND x.offset_ms < ? ORDER BY x.offset_ms, x.face_id`,
    );
    for (const id of ids) {
      for (let from = next.get(id, 0) as number | null; from !== null;) {
        const to = from + SAMPLE_PAGE_MS;
        const rows = page.all(id, from, to) as Record<string, number | string | null>[];
        yield rows.map(toStoredSample);
        from = next.get(id, to) as number | null;
      }
    }
  }

  /** The samples of the given sessions one by one (see samplePages). */
  *iterateSamples(sessionIds?: readonly number[]): Generator<StoredSample> {
    for (const page of this.samplePages(sessionIds)) yield* page;
  }
}

/** Recorded time per page of samples: 10 s is 2,000 rows for twenty faces at 10 samples a second. */
const SAMPLE_PAGE_MS = 10_000;

function toStoredSample(row: Record<string, number | string | null>): StoredSample {
  return {
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

function toSummary(row: SessionRow): SessionSummary {
  const end = row.ended_at ?? row.started_at + (row.last_offset ?? 0);
  const source: SessionSource | undefined =
    row.source_file === null
      ? undefined
      : { kind: 'video', fileName: row.source_file, durationMs: row.source_duration_ms ?? 0 };
  const analysedToEnd = row.ended_at !== null && row.incomplete === 0;
  const [samples, faces, ...tops] = JSON.parse(row.totals) as (number | null)[];
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
    samples: samples ?? 0,
    faces: faces ?? 0,
    dominant: topShares({ n: samples ?? 0, tops: tops.map((count) => count ?? 0) }).dominant,
  };
}
