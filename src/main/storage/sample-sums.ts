import type { Database, Statement } from 'better-sqlite3';
import { arousalSql, valenceSql } from '@shared/affect';
import { EMOTIONS, type Emotion } from '@shared/emotions';
import type { SampleValues } from '@shared/sessions';

/**
 * Per-face sums of a session's samples over fixed spans of time (1 s, 5 s, 30 s and 5 min), kept beside
 * the samples as they are written (migration 8). History reads these instead of the samples: a
 * day with twenty faces is 5.8 million samples but 19,200 half-minute rows. Each span's rows are
 * computed from the next finer span's (the finest from the samples), so every level sums exactly
 * the samples under it; bucket means are sums over counts, as the samples' averages were.
 */
// Each divides the next, and between them they make every bucket size History draws (format.ts's
// bucketFor: 1 and 2 s from 1 s rows; 5, 10 and 15 s from 5 s; 30 s to 2 min from 30 s; 5 and 10 min).
export const SUM_SPANS_MS = [1000, 5000, 30_000, 300_000] as const;
/** The coarsest span: whole-session and per-face totals read its rows. */
export const WHOLE_SPAN_MS = SUM_SPANS_MS[SUM_SPANS_MS.length - 1];

/** The columns summed for one kind of values: raw probabilities, or calibrated where a sample has them. */
function measureColumns(values: SampleValues): string[] {
  const prefix = values === 'calibrated' ? 'cal_' : '';
  return [
    ...EMOTIONS.map((emotion) => `${prefix}${emotion}`),
    `${prefix}valence`,
    `${prefix}arousal`,
    ...EMOTIONS.map((emotion) => `${prefix}top_${emotion}`),
  ];
}
const MEASURE_COLUMNS = [...measureColumns('raw'), ...measureColumns('calibrated')];

/** Migration 8's table. Keyed by time before face: a time range over all faces is one index range. */
export const CREATE_SAMPLE_SUMS = `
  CREATE TABLE sample_sums (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    span_ms    INTEGER NOT NULL,
    start_ms   INTEGER NOT NULL,
    face_id    INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    seconds    INTEGER NOT NULL,
    ${MEASURE_COLUMNS.map((column) => `${column} REAL NOT NULL`).join(',\n    ')},
    PRIMARY KEY (session_id, span_ms, start_ms, face_id)
  ) WITHOUT ROWID, STRICT`;

/** The SQL of a sample's value of an emotion, and of its top emotion, for one kind of values. */
function sampleValueSql(values: SampleValues): { column: (emotion: Emotion) => string; top: string } {
  return values === 'calibrated'
    ? {
        column: (emotion) => `coalesce(calibrated_${emotion}, ${emotion})`,
        top: 'coalesce(calibrated_top_label, top_label)',
      }
    : { column: (emotion) => emotion, top: 'top_label' };
}

/** The sums of samples' measures in MEASURE_COLUMNS order (for rows of `samples`). */
function sampleSumsSql(values: SampleValues): string[] {
  const { column, top } = sampleValueSql(values);
  return [
    ...EMOTIONS.map((emotion) => `sum(${column(emotion)})`),
    `sum(${valenceSql(column)})`,
    `sum(${arousalSql(column)})`,
    ...EMOTIONS.map((_, label) => `sum(${top} = ${label})`),
  ];
}

/** The second a sample falls in, as an integer (offsets are integers, but a REAL one must not divide as REAL). */
const SECOND_OF_SAMPLE = 'CAST(offset_ms / 1000 AS INTEGER)';

/** Statements compiled once per connection: the recorder refreshes sums on every write. */
const compiled = new WeakMap<Database, Map<string, Statement>>();
function prepared(db: Database, sql: string): Statement {
  let statements = compiled.get(db);
  if (!statements) compiled.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/** Recomputes one span's rows of a session in [fromMs, toMs) (span-aligned) from the finer span's rows, or the samples. */
function refreshSpan(db: Database, sessionId: number, level: number, fromMs: number, toMs: number): void {
  const span = SUM_SPANS_MS[level];
  prepared(db, 'DELETE FROM sample_sums WHERE session_id = ? AND span_ms = ? AND start_ms >= ? AND start_ms < ?').run(
    sessionId,
    span,
    fromMs,
    toMs,
  );
  const insert = `INSERT INTO sample_sums (session_id, span_ms, start_ms, face_id, n, seconds, ${MEASURE_COLUMNS.join(', ')})`;
  if (level === 0) {
    prepared(
      db,
      `${insert}
       SELECT session_id, ${span}, ${SECOND_OF_SAMPLE} * 1000 AS start, face_id, count(*), 1,
              ${[...sampleSumsSql('raw'), ...sampleSumsSql('calibrated')].join(', ')}
       FROM samples WHERE session_id = ? AND offset_ms >= ? AND offset_ms < ?
       GROUP BY start, face_id`,
    ).run(sessionId, fromMs, toMs);
  } else {
    prepared(
      db,
      `${insert}
       SELECT session_id, ${span}, (start_ms / ${span}) * ${span} AS start, face_id, sum(n), sum(seconds),
              ${MEASURE_COLUMNS.map((column) => `sum(${column})`).join(', ')}
       FROM sample_sums WHERE session_id = ? AND span_ms = ? AND start_ms >= ? AND start_ms < ?
       GROUP BY start, face_id`,
    ).run(sessionId, SUM_SPANS_MS[level - 1], fromMs, toMs);
  }
}

/**
 * Brings a session's sums up to date for samples written with offsets in [firstMs, lastMs]: the
 * spans that hold them are recomputed whole, so a second split across two writes sums both.
 * Call inside the transaction that wrote the samples.
 */
export function refreshSums(db: Database, sessionId: number, firstMs: number, lastMs: number): void {
  SUM_SPANS_MS.forEach((span, level) => {
    const from = Math.floor(Math.max(0, firstMs) / span) * span;
    const to = (Math.floor(Math.max(0, lastMs) / span) + 1) * span;
    refreshSpan(db, sessionId, level, from, to);
  });
}

/** Recomputes every sum of a session (after its samples changed faces), or of every session (migration 8). */
export function rebuildSums(db: Database, sessionId?: number): void {
  const ids = sessionId === undefined ? (db.prepare('SELECT id FROM sessions').pluck().all() as number[]) : [sessionId];
  for (const id of ids) {
    const last = db.prepare('SELECT max(offset_ms) FROM samples WHERE session_id = ?').pluck().get(id) as number | null;
    db.prepare('DELETE FROM sample_sums WHERE session_id = ?').run(id);
    if (last !== null) refreshSums(db, id, 0, last);
  }
}

/** Sums over some samples: count, distinct seconds, and per-emotion sums of probability and of being on top. */
export interface Totals {
  n: number;
  seconds: number;
  /** Summed probabilities, EMOTIONS order. */
  probabilities: number[];
  /** How many samples had each emotion on top, EMOTIONS order. */
  tops: number[];
  valence: number;
  arousal: number;
}

/** The select list of Totals over rows of `sample_sums` (columns n, seconds, p0…p6, t0…t6, valence, arousal). */
export function totalsOfSumsSql(values: SampleValues): string {
  const [probabilities, valence, arousal, tops] = splitMeasures(measureColumns(values));
  return totalsSelect({
    n: 'sum(n)',
    seconds: 'sum(seconds)',
    probabilities: probabilities.map((column) => `sum(${column})`),
    valence: `sum(${valence})`,
    arousal: `sum(${arousal})`,
    tops: tops.map((column) => `sum(${column})`),
  });
}

/** The same select list over rows of `samples`. */
export function totalsOfSamplesSql(values: SampleValues): string {
  const [probabilities, valence, arousal, tops] = splitMeasures(sampleSumsSql(values));
  return totalsSelect({
    n: 'count(*)',
    seconds: `count(DISTINCT ${SECOND_OF_SAMPLE})`,
    probabilities,
    valence,
    arousal,
    tops,
  });
}

/**
 * The select list of a timeline bucket, for rows read raw (as arrays): the count, then the summed
 * probabilities (EMOTIONS order), valence and arousal. From the samples; from sums rows grouped
 * into larger buckets; or from sums rows that are the buckets themselves (no grouping at all).
 */
export function bucketSumsSql(values: SampleValues, from: 'samples' | 'sums' | 'span-rows'): string {
  const measures = measureColumns(values).slice(0, EMOTIONS.length + 2);
  if (from === 'samples') return ['count(*)', ...sampleSumsSql(values).slice(0, EMOTIONS.length + 2)].join(', ');
  if (from === 'sums') return ['sum(n)', ...measures.map((column) => `sum(${column})`)].join(', ');
  return ['n', ...measures].join(', ');
}

function splitMeasures(measures: string[]): [string[], string, string, string[]] {
  const count = EMOTIONS.length;
  return [measures.slice(0, count), measures[count], measures[count + 1], measures.slice(count + 2)];
}

function totalsSelect(sql: {
  n: string;
  seconds: string;
  probabilities: string[];
  valence: string;
  arousal: string;
  tops: string[];
}): string {
  return [
    `${sql.n} AS n`,
    `${sql.seconds} AS seconds`,
    ...sql.probabilities.map((expression, c) => `${expression} AS p${c}`),
    ...sql.tops.map((expression, c) => `${expression} AS t${c}`),
    `${sql.valence} AS valence`,
    `${sql.arousal} AS arousal`,
  ].join(', ');
}

/** A row selected with a totals select list, as Totals (empty sums read as zero). */
export function toTotals(row: Record<string, number | null>): Totals {
  return {
    n: row.n ?? 0,
    seconds: row.seconds ?? 0,
    probabilities: EMOTIONS.map((_, c) => row[`p${c}`] ?? 0),
    tops: EMOTIONS.map((_, c) => row[`t${c}`] ?? 0),
    valence: row.valence ?? 0,
    arousal: row.arousal ?? 0,
  };
}

/** Adds up Totals. */
export function addTotals(parts: readonly Totals[]): Totals {
  const zero = () => EMOTIONS.map(() => 0);
  return parts.reduce<Totals>(
    (sum, part) => ({
      n: sum.n + part.n,
      seconds: sum.seconds + part.seconds,
      probabilities: sum.probabilities.map((value, c) => value + part.probabilities[c]),
      tops: sum.tops.map((value, c) => value + part.tops[c]),
      valence: sum.valence + part.valence,
      arousal: sum.arousal + part.arousal,
    }),
    { n: 0, seconds: 0, probabilities: zero(), tops: zero(), valence: 0, arousal: 0 },
  );
}

/** The span whose rows make buckets of `bucketMs` exactly (the coarsest that divides it), if any. */
export function spanFor(bucketMs: number): number | undefined {
  return [...SUM_SPANS_MS].reverse().find((span) => bucketMs % span === 0);
}

/** A piece of a time range: whole rows of one span, or the samples themselves at the ragged edges. */
export type RangePiece =
  { span: number; fromMs: number; toMs: number } | { span: 'samples'; fromMs: number; toMs: number };

/**
 * [fromMs, toMs) cut into the fewest rows: whole 5 min spans inside it, then whole 30 s, 5 s and 1 s spans at
 * its edges, then the samples of the part-seconds left. `toMs` may be Infinity (to the end).
 */
export function rangePieces(fromMs: number, toMs: number, level = SUM_SPANS_MS.length - 1): RangePiece[] {
  if (toMs <= fromMs) return [];
  if (level < 0) return [{ span: 'samples', fromMs, toMs }];
  const span = SUM_SPANS_MS[level];
  const start = Math.ceil(fromMs / span) * span;
  const end = toMs === Infinity ? Infinity : Math.floor(toMs / span) * span;
  if (end <= start) return rangePieces(fromMs, toMs, level - 1);
  return [
    ...rangePieces(fromMs, start, level - 1),
    { span, fromMs: start, toMs: end },
    ...rangePieces(end, toMs, level - 1),
  ];
}
