import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportProgress } from '@shared/api';
import { BRIEF_FACE_SECONDS, type RecordingHalt } from '@shared/sessions';
import { openDatabase } from './database';
import { SessionService } from './session-service';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';

describe("a session's detail", () => {
  it('gives faces seen for a while lanes of their own and folds briefly seen faces into one lane', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const service = new SessionService(store, { activeModel: () => 'default' });
    const { id } = store.createSession({ name: 'passers-by', startedAt: 0 });
    const seconds = (faceId: number, count: number, from = 0) =>
      Array.from({ length: count }, (_, s) => ({ ...sample(faceId, 'happy'), offsetMs: (from + s) * 1000 }));
    store.appendSamples(id, [
      ...seconds(1, 10),
      ...seconds(2, BRIEF_FACE_SECONDS),
      ...seconds(3, 1, 4),
      ...seconds(4, BRIEF_FACE_SECONDS - 1, 6),
    ]);
    store.endSession(id, 10_000);
    const detail = service.detail(id, 1000);
    expect(detail.lanes.map((lane) => lane.faceId)).toEqual([1, 2]);
    expect(detail.briefFaces?.faceIds).toEqual([3, 4]);
    // The folded lane holds the brief faces' samples together, and no one else's.
    expect(detail.briefFaces?.timeline.map((bucket) => [bucket.offsetMs, bucket.samples])).toEqual([
      [4000, 1],
      [6000, 1],
      [7000, 1],
    ]);
  });
});

describe('a recording on a full disk', () => {
  it('stops cleanly, says why, keeps every sample written before, and records again once there is room', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-full-'));
    const db = openDatabase(path.join(dir, 'sessions.db'));
    const halts: RecordingHalt[] = [];
    let now = 1_000_000;
    const service = new SessionService(new SessionStore(db), {
      activeModel: () => 'default',
      // Flushed by hand below, at the times the test chooses.
      recorder: { flushIntervalMs: 3_600_000, samplesPerFacePerSecond: 30, now: () => now },
      onHalt: (halt) => halts.push(halt),
    });
    const session = service.startRecording({ name: 'a long day' });
    const frame = () => [sample(1, 'happy'), sample(2, 'sad')];
    for (let second = 0; second < 5; second++) {
      now += 1000;
      expect(service.recordFaces(frame())).toBe(2);
    }
    service.session(session.id); // writes the buffer
    const stored = db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number };
    expect(stored.n).toBe(10);

    // The disk fills: SQLite may not grow the file by a single page.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let i = 0; i < 2000; i++) {
      now += 40;
      service.recordFaces(frame());
    }
    service.session(session.id); // the write that fails
    expect(halts).toEqual([{ sessionId: session.id, message: expect.stringContaining('the disk is full') }]);
    expect(halts[0].message).toContain('Everything up to 0:05 is kept');
    // Every sample written before the fault is there, and the session is closed at the last of them.
    expect((db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n).toBe(10);
    expect(service.recording()).toBeUndefined();
    expect(service.session(session.id)).toMatchObject({ interrupted: true, durationMs: 5000 });
    // A page still offering frames is told why they are not kept.
    expect(() => service.recordFaces(frame())).toThrow(/stopped: its samples could not be stored/);

    // With room again, a new recording starts and keeps its samples.
    db.pragma('max_page_count = 1073741823');
    const next = service.startRecording({ name: 'after clearing space' });
    now += 1000;
    expect(service.recordFaces(frame())).toBe(2);
    expect(service.stopRecording()?.id).toBe(next.id);
    expect(db.prepare('SELECT count(*) AS n FROM samples WHERE session_id = ?').get(next.id)).toEqual({ n: 2 });
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a CSV export of a long session', () => {
  it('reports its progress to the end while the recording goes on writing, and one at a time', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-export-'));
    const progress: ExportProgress[] = [];
    let service: SessionService | undefined = undefined;
    let recordedDuringExport = 0;
    const store = new SessionStore(openDatabase(path.join(dir, 'sessions.db')));
    service = new SessionService(store, {
      activeModel: () => 'default',
      onExportProgress: (report) => {
        progress.push(report);
        // Between two pages the database is free: the live recording's samples go in.
        if (service?.recordFaces([sample(1, 'happy')])) recordedDuringExport += service.session(live.id)!.samples;
      },
    });
    const { id } = store.createSession({ name: 'long', startedAt: 0 });
    const samples = Array.from({ length: 20_000 }, (_, i) => ({ ...sample(1, 'sad'), offsetMs: i * 100 }));
    store.appendSamples(id, samples);
    const live = service.startRecording({ name: 'live' });

    const file = path.join(dir, 'long.csv');
    const exporting = service.exportCsv(file, 'samples', [id]);
    await expect(service.exportCsv(path.join(dir, 'other.csv'), 'samples', [id])).rejects.toThrow(/already running/);
    expect(await exporting).toEqual({ rows: 20_000 });
    expect(readFileSync(file, 'utf8').split('\r\n')).toHaveLength(20_000 + 2); // header, rows, the last CRLF
    expect(progress.at(-1)).toEqual({ rows: 20_000, total: 20_000 });
    expect(progress.map((report) => report.rows)).toEqual(
      [...progress.map((report) => report.rows)].sort((a, b) => a - b),
    );
    expect(recordedDuringExport).toBeGreaterThan(0);
    store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops when cancelled and leaves no file behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-export-'));
    const store = new SessionStore(openDatabase(':memory:'));
    let service: SessionService | undefined = undefined;
    const reports: ExportProgress[] = [];
    service = new SessionService(store, {
      activeModel: () => 'default',
      onExportProgress: (report) => {
        reports.push(report);
        expect(service?.cancelExport()).toBe(true);
      },
    });
    const { id } = store.createSession({ name: 'long', startedAt: 0 });
    store.appendSamples(
      id,
      Array.from({ length: 20_000 }, (_, i) => ({ ...sample(1, 'sad'), offsetMs: i * 100 })),
    );
    const file = path.join(dir, 'cancelled.csv');
    expect(await service.exportCsv(file, 'samples', [id])).toEqual({ rows: 0, cancelled: true });
    expect(reports).toHaveLength(1);
    expect(reports[0].rows).toBeLessThan(20_000);
    expect(existsSync(file)).toBe(false);
    expect(service.cancelExport()).toBe(false);
    // The next export runs to its end.
    expect(await service.exportCsv(file, 'summary', [id])).toEqual({ rows: 1 });
    rmSync(dir, { recursive: true, force: true });
  });
});
