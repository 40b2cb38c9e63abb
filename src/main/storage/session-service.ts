import type { ExportProgress, ExportRequest, SessionDetail } from '@shared/api';
import { exportCsvFile } from './csv-export';
import {
  BRIEF_FACE_SECONDS,
  type Baseline,
  type BaselineInput,
  type Marker,
  type SampleInput,
  type SampleValues,
  type SessionFilter,
  type SessionSource,
  type RecordingHalt,
  type SessionSummary,
  type TimelineBucket,
} from '@shared/sessions';
import { errorMessage } from '@shared/errors';
import { formatDuration } from '@shared/format';
import { SessionRecorder, type RecorderOptions } from './recorder';
import type { Stretch } from './session-reads';
import type { SessionStore } from './session-store';

/** SQLite's SQLITE_FULL (and the file system's ENOSPC): no room left for the samples. */
function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full|no space left/i.test(errorMessage(error));
}

/** Faces given a lane of their own in History (the rest are in the all-faces chart and the table). */
export const MAX_LANES = 12;

/**
 * What the app does with sessions: one recording at a time (held here in main, so it outlives a
 * page reload), and the History view's queries. Opening it closes sessions a crash left open.
 */
export class SessionService {
  private recorder: SessionRecorder | undefined;
  /** Why the last recording stopped by itself, until the next one starts or the user stops it. */
  private halted: RecordingHalt | undefined;
  /** The running CSV export's cancel. */
  private exporting: AbortController | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly options: {
      activeModel: () => string | undefined;
      recorder?: RecorderOptions;
      /** The recording stopped by itself (its samples could not be written): tell the user. */
      onHalt?: (halt: RecordingHalt) => void;
      /** The running CSV export wrote more rows. */
      onExportProgress?: (progress: ExportProgress) => void;
    },
  ) {
    store.recoverInterrupted();
  }

  session(id: number): SessionSummary | undefined {
    this.recorder?.flush();
    return this.store.session(id);
  }

  /**
   * Writes sessions (all when `ids` is undefined) as CSV of the given kind, one export at a time;
   * resolves with the rows written, or `cancelled` (and no file) when cancelExport stopped it.
   */
  async exportCsv(
    file: string,
    kind: ExportRequest['kind'],
    ids?: readonly number[],
  ): Promise<{ rows: number; cancelled?: boolean }> {
    if (this.exporting) throw new Error('An export is already running: wait for it or cancel it');
    this.recorder?.flush();
    const exporting = new AbortController();
    this.exporting = exporting;
    let reportedAt = -Infinity;
    const onProgress = (progress: ExportProgress) => {
      // Ten reports a second are plenty for a progress bar; the last one always goes.
      const now = performance.now();
      if (progress.rows < progress.total && now - reportedAt < 100) return;
      reportedAt = now;
      this.options.onExportProgress?.(progress);
    };
    try {
      const rows = await exportCsvFile(this.store, file, kind, ids, { signal: exporting.signal, onProgress });
      return { rows };
    } catch (error) {
      if (exporting.signal.aborted) return { rows: 0, cancelled: true };
      throw error;
    } finally {
      this.exporting = undefined;
    }
  }

  /** Stops the running export (its file is removed); false when none was running. */
  cancelExport(): boolean {
    if (!this.exporting) return false;
    this.exporting.abort();
    return true;
  }

  startRecording(request: {
    name?: string;
    camera?: string;
    samplesPerFacePerSecond?: number;
    source?: SessionSource;
  }): SessionSummary {
    if (this.recorder) throw new Error(`Already recording "${this.recorder.session.name}"`);
    const { samplesPerFacePerSecond, ...details } = request;
    const session = this.store.createSession({
      ...details,
      model: this.options.activeModel(),
      // The recorder's clock, so a session starts on the clock its samples are timed by.
      startedAt: this.options.recorder?.now?.(),
    });
    this.halted = undefined;
    this.recorder = new SessionRecorder(this.store, session, {
      activeModel: this.options.activeModel,
      ...this.options.recorder,
      ...(samplesPerFacePerSecond ? { samplesPerFacePerSecond } : {}),
      onWriteFailure: (error) => this.halt(session, error),
    });
    return session;
  }

  /** `incomplete`: a file's analysis stopped before the end of the file. */
  stopRecording(incomplete = false): SessionSummary | undefined {
    this.halted = undefined;
    const ended = this.recorder?.stop(incomplete);
    this.recorder = undefined;
    return ended;
  }

  /**
   * Samples could not be written (a full disk, a failing drive): the recording stops here, and the
   * session ends, marked interrupted, at its last sample stored; everything stored before stays.
   */
  private halt(session: SessionSummary, error: unknown): void {
    this.recorder = undefined;
    let ended: SessionSummary | undefined;
    try {
      ended = this.store.endInterrupted(session.id);
    } catch {
      // The disk may refuse even this: the next start closes the session the same way.
    }
    const kept = formatDuration(ended?.durationMs ?? 0);
    const reason = isDiskFull(error) ? 'the disk is full' : `the database refused them (${errorMessage(error)})`;
    this.halted = {
      sessionId: session.id,
      message:
        `Recording “${session.name}” stopped: its samples could not be stored, as ${reason}. ` +
        `Everything up to ${kept} is kept. Free some space, then record again.`,
    };
    this.options.onHalt?.(this.halted);
  }

  recording(): SessionSummary | undefined {
    return this.recorder && this.store.session(this.recorder.session.id);
  }

  recordFaces(faces: readonly SampleInput[], videoOffsetMs?: number): number {
    // Until the user has seen it: a page that offers samples to a stopped recording is told why.
    if (!this.recorder && this.halted) throw new Error(this.halted.message);
    return this.recorder?.add(faces, videoOffsetMs) ?? 0;
  }

  addMarker(text?: string): Marker {
    if (!this.recorder) throw new Error('Markers can only be added while recording');
    return this.recorder.addMarker(text);
  }

  listSessions(filter: SessionFilter): SessionSummary[] {
    this.recorder?.flush(); // the list shows what has been recorded so far
    return this.store.listSessions(filter);
  }

  detail(id: number, bucketMs: number, faceId?: number, values: SampleValues = 'calibrated'): SessionDetail {
    if (this.recorder?.session.id === id) this.recorder.flush();
    const session = this.store.session(id);
    if (!session) throw new Error(`There is no session ${id}`);
    const participants = this.store.faceSummaries(id, values);
    const brief = participants.filter((face) => face.secondsInView < BRIEF_FACE_SECONDS).map((face) => face.faceId);
    const lasting = participants.filter((face) => face.secondsInView >= BRIEF_FACE_SECONDS).map((face) => face.faceId);
    const laneFaces = lasting.slice(0, MAX_LANES);
    const laneTimelines = this.store.faceTimelines(id, bucketMs, laneFaces, values);
    return {
      session,
      markers: this.store.markers(id),
      faces: participants.map((face) => face.faceId),
      bucketMs,
      timeline: this.store.timeline(id, bucketMs, faceId, values),
      distribution: this.store.distribution(id, faceId, values),
      affect: this.store.affect(id, faceId, values),
      segments: this.store.segments(id, session.durationMs, faceId, values),
      participants,
      lanes: laneFaces.map((face) => ({ faceId: face, timeline: laneTimelines.get(face) ?? [] })),
      ...(brief.length > 0 && {
        briefFaces: { faceIds: brief, timeline: this.store.timeline(id, bucketMs, brief, values) },
      }),
      values,
      baselines: this.store.baselines(id),
    };
  }

  /** A stretch of a session's timeline, read at a finer bucket than the whole one (History's zoom). */
  timelineStretch(
    id: number,
    bucketMs: number,
    stretch: Stretch,
    faceIds?: readonly number[],
    values: SampleValues = 'calibrated',
  ): TimelineBucket[] {
    if (this.recorder?.session.id === id) this.recorder.flush();
    if (!this.store.session(id)) throw new Error(`There is no session ${id}`);
    return this.store.timeline(id, bucketMs, faceIds, values, stretch);
  }

  /** A neutral baseline for a face of the live recording (see SessionRecorder.setBaseline). */
  setBaseline(input: BaselineInput): Baseline {
    if (!this.recorder) throw new Error('Baselines are stored with a recording: start recording first');
    return this.recorder.setBaseline(input);
  }

  /** Names a face of a session (while recording it, or afterwards); an empty name removes the name. */
  nameFace(sessionId: number, faceId: number, name: string): void {
    if (!this.store.session(sessionId)) throw new Error(`There is no session ${sessionId}`);
    this.store.nameFace(sessionId, faceId, name);
  }

  mergeFaces(sessionId: number, into: number, from: number): number {
    if (this.recorder?.session.id === sessionId) throw new Error('Stop the recording before merging its faces');
    if (!this.store.session(sessionId)) throw new Error(`There is no session ${sessionId}`);
    return this.store.mergeFaces(sessionId, into, from);
  }

  /** A marker added in History, after the recording (or while recording, at a chosen time). */
  addMarkerAt(sessionId: number, offsetMs: number, text: string): Marker {
    const session = this.store.session(sessionId);
    if (!session) throw new Error(`There is no session ${sessionId}`);
    return this.store.addMarker(sessionId, Math.round(offsetMs), text.trim());
  }

  updateMarker(id: number, change: { text?: string; offsetMs?: number }): Marker {
    const marker = this.store.updateMarker(id, { ...change, text: change.text?.trim() });
    if (!marker) throw new Error(`There is no marker ${id}`);
    return marker;
  }

  deleteMarker(id: number): void {
    if (!this.store.deleteMarker(id)) throw new Error(`There is no marker ${id}`);
  }

  update(id: number, change: { name?: string; notes?: string }): SessionSummary {
    if (!this.store.session(id)) throw new Error(`There is no session ${id}`);
    if (change.name !== undefined) this.store.rename(id, change.name);
    if (change.notes !== undefined) this.store.setNotes(id, change.notes);
    return this.store.session(id)!;
  }

  deleteSessions(ids: readonly number[]): number {
    if (this.recorder && ids.includes(this.recorder.session.id)) {
      throw new Error('Stop the recording before deleting its session');
    }
    const deleted = this.store.deleteSessions(ids);
    this.store.releaseFreePages();
    return deleted;
  }

  /** Ends the recording, keeping what was recorded (a file's analysis as incomplete); the database's opener closes it. */
  dispose(): void {
    this.stopRecording(true);
  }
}
