import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import { arousal, valence } from '@shared/affect';
import { EMOTIONS, topEmotionIndex } from '@shared/emotions';
import type { ExportProgress, ExportRequest } from '@shared/api';
import type { PhotoResult } from '@shared/photos';
import type { SessionSummary } from '@shared/sessions';
import type { StoredSample } from './session-reads';
import type { SessionStore } from './session-store';

/** One CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (fields: (string | number)[]) => `${fields.map(csvField).join(',')}\r\n`;

export const SAMPLE_COLUMNS = [
  'session_id',
  'session_name',
  'timestamp',
  'offset_ms',
  'face_id',
  'top_emotion',
  'confidence',
  ...EMOTIONS,
  'box_x',
  'box_y',
  'box_width',
  'box_height',
  // Added after the first release: new columns go at the end, so readers by position keep working.
  'valence',
  'arousal',
  'face_name',
  // Corrected by the face's neutral baseline (empty where it had none): see src/shared/baseline.ts.
  'calibrated_top_emotion',
  ...EMOTIONS.map((emotion) => `calibrated_${emotion}`),
  'calibrated_valence',
  'calibrated_arousal',
];

export const SUMMARY_COLUMNS = [
  'session_id',
  'session_name',
  'started_at',
  'duration_ms',
  'samples',
  'faces',
  ...EMOTIONS.flatMap((emotion) => [`${emotion}_time_share`, `${emotion}_mean_probability`]),
  'mean_valence',
  'mean_arousal',
];

export const PHOTO_COLUMNS = [
  'file_name',
  'image_width',
  'image_height',
  'faces_in_photo',
  'face',
  'box_x',
  'box_y',
  'box_width',
  'box_height',
  'top_emotion',
  'confidence',
  ...EMOTIONS,
  'note',
];

export const SEGMENT_COLUMNS = [
  'session_id',
  'session_name',
  'segment',
  'marker',
  'start_ms',
  'duration_ms',
  'samples',
  'dominant_emotion',
  ...EMOTIONS.map((emotion) => `${emotion}_time_share`),
  'mean_valence',
  'mean_arousal',
];

/**
 * Writes, waiting for the stream to drain when it asks to, so a long export never piles up in
 * memory; a stream error (a full disk) or the signal ends the wait.
 */
async function write(out: Writable, chunk: string, signal?: AbortSignal): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain', { signal });
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** How far a long export has gone: rows written of the rows it will write. */
export interface ExportOptions {
  /** Stops the export between pages; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
}

/**
 * One row per sample of the given sessions (all when undefined): UTF-8, CRLF, RFC 4180 quoting,
 * ISO-8601 UTC timestamps, probabilities in emotion-named columns, the box as fractions of the frame.
 * Read and written a page at a time, yielding to the event loop between pages (a cancel, the
 * recorder's writes). Returns the number of data rows.
 */
export async function exportSamplesCsv(
  store: SessionStore,
  out: Writable,
  sessionIds?: readonly number[],
  options: ExportOptions = {},
): Promise<number> {
  const sessions = sessionsToExport(store, sessionIds);
  const total = sessions.reduce((sum, session) => sum + session.samples, 0);
  options.onProgress?.({ rows: 0, total });
  await write(out, csvLine(SAMPLE_COLUMNS));
  let rows = 0;
  const names = new Map<number, string>();
  for (const page of store.samplePages(sessions.map((session) => session.id))) {
    options.signal?.throwIfAborted();
    const lines: string[] = [];
    for (const sample of page) {
      let name = names.get(sample.sessionId);
      if (name === undefined) names.set(sample.sessionId, (name = csvField(sample.sessionName)));
      lines.push(sampleLine(sample, name));
      // Chunks of a few hundred rows keep what the stream buffers small whatever the number of faces.
      if (lines.length === 500) await write(out, lines.splice(0).join(''), options.signal);
    }
    await write(out, lines.join(''), options.signal);
    rows += page.length;
    options.onProgress?.({ rows, total: Math.max(total, rows) });
    await setImmediate();
  }
  options.signal?.throwIfAborted();
  return rows;
}

/** A sample's CSV row; `sessionName` comes quoted already (it is the same on every row). */
function sampleLine(sample: StoredSample, sessionName: string): string {
  const p = sample.probabilities;
  const box = sample.box;
  return (
    [
      sample.sessionId,
      sessionName,
      new Date(sample.startedAt + sample.offsetMs).toISOString(),
      sample.offsetMs,
      sample.faceId,
      EMOTIONS[sample.topLabel],
      round(sample.confidence),
      round(p[0]),
      round(p[1]),
      round(p[2]),
      round(p[3]),
      round(p[4]),
      round(p[5]),
      round(p[6]),
      round(box.x),
      round(box.y),
      round(box.width),
      round(box.height),
      round(valence(p)),
      round(arousal(p)),
      sample.faceName === undefined ? '' : csvField(sample.faceName),
      ...calibratedFields(sample.calibrated),
    ].join(',') + '\r\n'
  );
}

/** The calibrated columns of a sample row: its top emotion, probabilities, valence and arousal, or blanks. */
function calibratedFields(calibrated: readonly number[] | undefined): (string | number)[] {
  if (!calibrated) return new Array<string>(EMOTIONS.length + 3).fill('');
  return [
    EMOTIONS[topEmotionIndex(calibrated)],
    ...calibrated.map(round),
    round(valence(calibrated)),
    round(arousal(calibrated)),
  ];
}

/** The sessions an export names (that exist), or all of them, oldest first. */
function sessionsToExport(store: SessionStore, sessionIds?: readonly number[]): SessionSummary[] {
  return sessionIds
    ? sessionIds.map((id) => store.session(id)).filter((s) => s !== undefined)
    : store.listSessions().reverse();
}

/** One row per session: time share and mean probability per emotion. Returns the number of rows. */
export async function exportSummaryCsv(
  store: SessionStore,
  out: Writable,
  sessionIds?: readonly number[],
  options: ExportOptions = {},
): Promise<number> {
  await write(out, csvLine(SUMMARY_COLUMNS));
  const sessions = sessionsToExport(store, sessionIds);
  for (const [done, session] of sessions.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ rows: done, total: sessions.length });
    const shares = store.distribution(session.id);
    const affect = store.affect(session.id);
    await write(
      out,
      csvLine([
        session.id,
        session.name,
        new Date(session.startedAt).toISOString(),
        session.durationMs,
        session.samples,
        session.faces,
        ...shares.flatMap((share) => [round(share.timeShare), round(share.meanProbability)]),
        ...(affect ? [round(affect.valence), round(affect.arousal)] : ['', '']),
      ]),
    );
  }
  return sessions.length;
}

/** One row per segment (the parts between markers) of each session. Returns the number of rows. */
export async function exportSegmentsCsv(
  store: SessionStore,
  out: Writable,
  sessionIds?: readonly number[],
  options: ExportOptions = {},
): Promise<number> {
  await write(out, csvLine(SEGMENT_COLUMNS));
  const sessions = sessionsToExport(store, sessionIds);
  let rows = 0;
  for (const [done, session] of sessions.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ rows: done, total: sessions.length });
    for (const [index, segment] of store.segments(session.id, session.durationMs).entries()) {
      await write(
        out,
        csvLine([
          session.id,
          session.name,
          index + 1,
          segment.label,
          segment.startMs,
          segment.endMs - segment.startMs,
          segment.samples,
          segment.dominant ?? '',
          ...segment.timeShares.map(round),
          segment.valence === undefined ? '' : round(segment.valence),
          segment.arousal === undefined ? '' : round(segment.arousal),
        ]),
      );
      rows++;
    }
  }
  return rows;
}

/**
 * Photo analysis results, one row per face (boxes in the photo's pixels, faces numbered from 1 in
 * the detector's order); a photo without faces, or one that could not be read, gets one row whose
 * note says so, so every photo analysed appears. Returns the number of data rows.
 */
export async function exportPhotosCsv(photos: readonly PhotoResult[], out: Writable): Promise<number> {
  await write(out, csvLine(PHOTO_COLUMNS));
  let rows = 0;
  for (const photo of photos) {
    const common = [photo.fileName, photo.width, photo.height, photo.faces.length];
    if (photo.faces.length === 0) {
      const note = photo.error ?? 'no face found';
      await write(
        out,
        csvLine([...common, ...new Array<string>(PHOTO_COLUMNS.length - common.length - 1).fill(''), note]),
      );
      rows++;
    }
    for (const [index, face] of photo.faces.entries()) {
      const p = face.probabilities;
      const top = p ? topEmotionIndex(p) : undefined;
      await write(
        out,
        csvLine([
          ...common,
          index + 1,
          ...[face.box.x, face.box.y, face.box.width, face.box.height].map((value) => Math.round(value * 10) / 10),
          top === undefined ? '' : EMOTIONS[top],
          top === undefined ? '' : round(p![top]),
          ...(p ? p.map(round) : EMOTIONS.map(() => '')),
          photo.error ?? '',
        ]),
      );
      rows++;
    }
  }
  return rows;
}

/** Writes rows to `file` through a stream, and waits until they are on disk; returns the rows. */
async function writeCsvFile(file: string, writeRows: (out: Writable) => Promise<number>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  try {
    const rows = await writeRows(out);
    out.end();
    await finished(out);
    return rows;
  } catch (error) {
    // A cancelled or failed export leaves no half-written file behind.
    out.destroy();
    await finished(out).catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
}

/** Writes photo analysis results to `file`; returns the rows. */
export function exportPhotosCsvFile(photos: readonly PhotoResult[], file: string): Promise<number> {
  return writeCsvFile(file, (out) => exportPhotosCsv(photos, out));
}

/** Writes the samples (or the per-session summary) of the given sessions to `file`; returns the rows. */
export function exportCsvFile(
  store: SessionStore,
  file: string,
  kind: ExportRequest['kind'],
  sessionIds?: readonly number[],
  options: ExportOptions = {},
): Promise<number> {
  const writer = { samples: exportSamplesCsv, summary: exportSummaryCsv, segments: exportSegmentsCsv }[kind];
  return writeCsvFile(file, (out) => writer(store, out, sessionIds, options));
}
