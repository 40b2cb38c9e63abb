import { EMOTIONS, topEmotionIndex } from '@shared/emotions';
import { defaultSessionName } from '@shared/format';
import type { Baseline, BaselineInput, Marker, SessionSource, SessionSummary } from '@shared/sessions';
import { rebuildSums, refreshSums } from './sample-sums';
import { SessionReads, type TimedSample } from './session-reads';

export type { StoredSample, TimedSample } from './session-reads';

const PROBABILITY_COLUMNS = EMOTIONS.join(', ');
const CALIBRATED_COLUMNS = EMOTIONS.map((emotion) => `calibrated_${emotion}`).join(', ');

/** An interrupted session ends at its last stored sample (or its start, if none). */
const INTERRUPTED_AT_LAST_SAMPLE = `interrupted = 1, incomplete = (source_file IS NOT NULL),
  ended_at = started_at + coalesce((SELECT max(offset_ms) FROM samples WHERE session_id = sessions.id), 0)`;

/**
 * Sessions, samples and markers in one SQLite file (better-sqlite3; no Electron import, so tests
 * and the command line use it directly). WAL mode: a crash loses at most the transaction in flight.
 * The writes are here; every read comes from SessionReads.
 */
export class SessionStore extends SessionReads {
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
  /** Writes a batch of samples in one transaction, with the sums History reads (sample-sums.ts). */
  appendSamples(sessionId: number, samples: readonly TimedSample[]): void {
    const placeholders = EMOTIONS.map(() => '?').join(', ');
    const insert = this.db.prepare(
      `INSERT INTO samples (session_id, offset_ms, face_id, ${PROBABILITY_COLUMNS}, top_label, confidence, box_x, box_y, box_w, box_h,
                            ${CALIBRATED_COLUMNS}, calibrated_top_label)
       VALUES (?, ?, ?, ${placeholders}, ?, ?, ?, ?, ?, ?, ${placeholders}, ?)`,
    );
    const none = EMOTIONS.map(() => null);
    if (samples.length === 0) return;
    this.db.transaction(() => {
      let first = Infinity;
      let last = -Infinity;
      for (const sample of samples) {
        first = Math.min(first, sample.offsetMs);
        last = Math.max(last, sample.offsetMs);
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
      refreshSums(this.db, sessionId, first, last);
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
        `UPDATE sessions SET ${INTERRUPTED_AT_LAST_SAMPLE}
         WHERE ended_at IS NULL AND id IS NOT ?`,
      )
      .run(except ?? null).changes;
  }
  /** Closes one session that stopped unexpectedly (its samples could not be written) at its last stored sample. */
  endInterrupted(id: number): SessionSummary | undefined {
    this.db.prepare(`UPDATE sessions SET ${INTERRUPTED_AT_LAST_SAMPLE} WHERE id = ? AND ended_at IS NULL`).run(id);
    return this.session(id);
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
  /** Gives deleted rows' pages back to the disk, where the file allows it (incremental auto-vacuum). */
  releaseFreePages(): void {
    if ((this.db.pragma('auto_vacuum', { simple: true }) as number) === 2) this.db.pragma('incremental_vacuum');
  }
  addMarker(sessionId: number, offsetMs: number, text: string): Marker {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO markers (session_id, offset_ms, text) VALUES (?, ?, ?)')
      .run(sessionId, offsetMs, text);
    return { id: Number(lastInsertRowid), sessionId, offsetMs, text };
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
      rebuildSums(this.db, sessionId);
      return moved;
    })();
  }
}
