import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { valence } from '@shared/affect';
import { applyBaseline, baselineFactors } from '@shared/baseline';
import { EMOTIONS, topEmotionIndex } from '@shared/emotions';
import { formatDate } from '@shared/format';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations';
import { RunStore } from './run-store';
import { defaultTrainingConfig } from '@shared/training';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';
import { openDatabase } from './database';
import { Settings } from './settings';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-db-'));
  dirs.push(dir);
  return path.join(dir, 'sessions.db');
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('migrations', () => {
  it('build the schema from an empty file, in WAL mode with foreign keys on', () => {
    const file = tempFile();
    const store = new SessionStore(openDatabase(file));
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual([
      'baselines',
      'markers',
      'participants',
      'sample_sums',
      'samples',
      'sessions',
      'settings',
      'training_runs',
    ]);
    store.db.close();
  });

  it('bring every earlier version forward, keeping its data, and run nothing twice', () => {
    for (let version = 0; version < SCHEMA_VERSION; version++) {
      const file = tempFile();
      const db = new Database(file);
      for (let v = 0; v < version; v++) MIGRATIONS[v](db);
      db.pragma(`user_version = ${version}`);
      if (version >= 1) {
        db.prepare("INSERT INTO sessions (name, started_at) VALUES ('kept', 1)").run();
        db.prepare(
          `INSERT INTO samples (session_id, offset_ms, face_id, angry, disgust, fear, happy, sad, surprise, neutral,
             top_label, confidence, box_x, box_y, box_w, box_h)
           VALUES (1, 200, 1, 0.1, 0.0, 0.1, 0.6, 0.1, 0.0, 0.1, 3, 0.6, 0.1, 0.2, 0.3, 0.4)`,
        ).run();
      }
      db.close();
      const store = new SessionStore(openDatabase(file));
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      if (version >= 1) {
        expect(store.listSessions().map((s) => s.name)).toEqual(['kept']);
        // A sample recorded before calibration existed: raw only, and read the same either way.
        const [kept] = [...store.iterateSamples()];
        expect(kept).toMatchObject({ offsetMs: 200, topLabel: 3, probabilities: [0.1, 0, 0.1, 0.6, 0.1, 0, 0.1] });
        expect(kept.calibrated).toBeUndefined();
        expect(store.distribution(1, undefined, 'calibrated')).toEqual(store.distribution(1, undefined, 'raw'));
      }
      const settings = new Settings(store.db);
      settings.setActiveModel('user:mine');
      expect(settings.activeModel()).toBe('user:mine');
      const runs = new RunStore(store.db);
      expect(runs.get(runs.create(defaultTrainingConfig('seed', '/data')).id)?.status).toBe('queued');
      expect(migrate(store.db)).toBe(SCHEMA_VERSION); // already current: nothing to do
      store.db.close();
    }
  });

  it("give a baseline taken before baselines named their model its session's model", () => {
    const file = tempFile();
    const db = new Database(file);
    for (let v = 0; v < 6; v++) MIGRATIONS[v](db);
    db.pragma('user_version = 6');
    db.prepare("INSERT INTO sessions (name, started_at, model) VALUES ('calibrated', 1, 'seed')").run();
    db.prepare(
      `INSERT INTO baselines (session_id, face_id, offset_ms, frames, strength, baseline, reference)
       VALUES (1, 1, 0, 20, 1, '[0,0,0,0,1,0,0]', '[0,0,0,0,0,0,1]')`,
    ).run();
    db.close();
    const store = new SessionStore(openDatabase(file));
    expect(store.baselines(1)).toMatchObject([{ faceId: 1, model: 'seed' }]);
    store.db.close();
  });

  it('refuse a database from a newer version of the app', () => {
    const file = tempFile();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new SessionStore(openDatabase(file))).toThrow(/newer Emotion Monitor/);
  });
});

describe('SessionStore', () => {
  it('summarises sessions: duration, samples, faces, dominant emotion, and searches them', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const standup = store.createSession({ name: 'Stand-up', startedAt: Date.UTC(2026, 10, 2, 9), model: 'default' });
    store.appendSamples(standup.id, [
      { ...sample(1, 'happy'), offsetMs: 0 },
      { ...sample(1, 'happy'), offsetMs: 200 },
      { ...sample(2, 'sad'), offsetMs: 400 },
    ]);
    store.endSession(standup.id, standup.startedAt + 60_000);
    store.createSession({ name: 'Lecture', startedAt: Date.UTC(2026, 10, 3, 14) });
    const [lecture, first] = store.listSessions();
    expect(lecture.name).toBe('Lecture');
    expect(first).toMatchObject({
      name: 'Stand-up',
      durationMs: 60_000,
      samples: 3,
      faces: 2,
      dominant: 'happy',
      model: 'default',
    });
    expect(store.listSessions({ query: 'stand' }).map((s) => s.name)).toEqual(['Stand-up']);
    expect(store.listSessions({ from: Date.UTC(2026, 10, 3), to: Date.UTC(2026, 10, 4) }).map((s) => s.name)).toEqual([
      'Lecture',
    ]);
    // Unnamed sessions are named after their start, in the locale format History shows dates in.
    const unnamed = store.createSession({ startedAt: Date.UTC(2026, 10, 25, 12, 29, 18) });
    expect(unnamed.name).toBe(`Session ${formatDate(unnamed.startedAt)}`);
  });

  it('aggregates the timeline per bucket in SQL, for all faces or one', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'x' });
    store.appendSamples(id, [
      { ...sample(1, 'happy', 0.9), offsetMs: 100 },
      { ...sample(1, 'happy', 0.7), offsetMs: 900 },
      { ...sample(2, 'sad', 0.8), offsetMs: 950 },
      { ...sample(1, 'fear', 0.6), offsetMs: 1500 },
    ]);
    const all = store.timeline(id, 1000);
    expect(all.map((b) => [b.offsetMs, b.samples])).toEqual([
      [0, 3],
      [1000, 1],
    ]);
    expect(all[0].probabilities[EMOTIONS.indexOf('happy')]).toBeCloseTo((0.9 + 0.7 + 0.2 / 6) / 3);
    const face1 = store.timeline(id, 1000, 1);
    expect(face1[0].probabilities[EMOTIONS.indexOf('happy')]).toBeCloseTo(0.8);
    const shares = store.distribution(id);
    expect(shares.find((s) => s.emotion === 'happy')?.timeShare).toBeCloseTo(0.5);
    expect(shares.find((s) => s.emotion === 'sad')?.timeShare).toBeCloseTo(0.25);
    expect(shares.reduce((sum, s) => sum + s.timeShare, 0)).toBeCloseTo(1);
  });

  it('renames, keeps notes and markers, and deletes a session with its samples and markers', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'x' });
    store.appendSamples(id, [{ ...sample(1, 'happy'), offsetMs: 0 }]);
    store.addMarker(id, 500, 'question 3');
    store.rename(id, 'Study, day 1');
    store.setNotes(id, 'quiet room');
    expect(store.session(id)).toMatchObject({ name: 'Study, day 1', notes: 'quiet room' });
    expect(store.markers(id).map((m) => [m.offsetMs, m.text])).toEqual([[500, 'question 3']]);
    expect(() => store.rename(id, '  ')).toThrow(/needs a name/);
    expect(store.deleteSessions([id])).toBe(1);
    expect(store.db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT count(*) FROM markers').pluck().get()).toBe(0);
  });

  it('closes sessions left open by a crash at their last sample, marked interrupted', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const open = store.createSession({ name: 'crashed', startedAt: 1_000 });
    store.appendSamples(open.id, [{ ...sample(1, 'happy'), offsetMs: 4_200 }]);
    const recording = store.createSession({ name: 'still recording' });
    expect(store.recoverInterrupted(recording.id)).toBe(1);
    expect(store.session(open.id)).toMatchObject({ endedAt: 5_200, interrupted: true, durationMs: 4_200 });
    expect(store.session(recording.id)?.endedAt).toBeUndefined();
  });

  it("marks a video's analysis cut short by a crash incomplete, its length the part analysed", () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const source = { kind: 'video' as const, fileName: 'talk.mp4', durationMs: 90_000 };
    const video = store.createSession({ startedAt: 1_000, source });
    store.appendSamples(video.id, [{ ...sample(1, 'happy'), offsetMs: 30_000 }]);
    expect(store.recoverInterrupted()).toBe(1);
    expect(store.session(video.id)).toMatchObject({
      name: 'talk.mp4',
      source,
      interrupted: true,
      incomplete: true,
      durationMs: 30_000,
    });
  });
});

describe('segments between markers', () => {
  function session() {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'interview', startedAt: 0 });
    // 0-3 s happy, 3-6 s sad (face 1); face 2 angry throughout the second half.
    store.appendSamples(id, [
      ...[0, 1000, 2000].map((offsetMs) => ({ ...sample(1, 'happy'), offsetMs })),
      ...[3000, 4000, 5000].map((offsetMs) => ({ ...sample(1, 'sad'), offsetMs })),
      ...[4000, 5000].map((offsetMs) => ({ ...sample(2, 'angry'), offsetMs })),
    ]);
    return { store, id };
  }

  it('cuts a session at its markers: a part before the first, then one per marker up to the next or the end', () => {
    const { store, id } = session();
    const intro = store.addMarker(id, 0, 'intro');
    const question = store.addMarker(id, 3000, 'question 1');
    const segments = store.segments(id, 6000);
    expect(segments.map((s) => [s.label, s.markerId, s.startMs, s.endMs, s.samples, s.dominant])).toEqual([
      ['intro', intro.id, 0, 3000, 3, 'happy'],
      ['question 1', question.id, 3000, 6000, 5, 'sad'],
    ]);
    expect(segments[1].timeShares[EMOTIONS.indexOf('sad')]).toBeCloseTo(3 / 5);
    expect(segments[1].timeShares[EMOTIONS.indexOf('angry')]).toBeCloseTo(2 / 5);
    expect(segments[0].valence).toBeGreaterThan(0);
    expect(segments[1].valence).toBeLessThan(0);
    // One face only, and a session without markers is one segment from the start.
    expect(store.segments(id, 6000, 2).map((s) => [s.samples, s.dominant])).toEqual([
      [0, undefined],
      [2, 'angry'],
    ]);
    const plain = store.createSession({ name: 'plain', startedAt: 0 });
    expect(store.segments(plain.id, 1000)).toEqual([
      { label: 'Start', startMs: 0, endMs: 1000, samples: 0, timeShares: EMOTIONS.map(() => 0) },
    ]);
  });

  it('follows markers renamed, moved and deleted', () => {
    const { store, id } = session();
    const marker = store.addMarker(id, 1500, 'question');
    expect(store.segments(id, 6000).map((s) => [s.label, s.samples])).toEqual([
      ['Start', 2],
      ['question', 6],
    ]);
    expect(store.updateMarker(marker.id, { text: 'answer', offsetMs: 4500 })).toMatchObject({
      text: 'answer',
      offsetMs: 4500,
    });
    expect(store.segments(id, 6000).map((s) => [s.label, s.samples])).toEqual([
      ['Start', 6],
      ['answer', 2],
    ]);
    expect(store.updateMarker(marker.id, { text: 'kept' })).toMatchObject({ text: 'kept', offsetMs: 4500 });
    expect(store.deleteMarker(marker.id)).toBe(true);
    expect(store.deleteMarker(marker.id)).toBe(false);
    expect(store.segments(id, 6000)).toHaveLength(1);
  });
});

describe('participants', () => {
  it('names faces, merges a face numbered twice into the first, and sums each face up', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'pair', startedAt: 0 });
    store.appendSamples(id, [
      { ...sample(1, 'happy'), offsetMs: 0 },
      { ...sample(1, 'happy'), offsetMs: 500 },
      { ...sample(2, 'sad'), offsetMs: 0 },
      // Face 1 lost for a moment and found again as face 3.
      { ...sample(3, 'happy'), offsetMs: 2_000 },
      { ...sample(3, 'surprise'), offsetMs: 2_500 },
    ]);
    store.nameFace(id, 1, '  Participant A ');
    store.nameFace(id, 2, 'Participant B');
    store.nameFace(id, 3, 'dup');
    expect(store.faceNames(id)).toEqual(
      new Map([
        [1, 'Participant A'],
        [2, 'Participant B'],
        [3, 'dup'],
      ]),
    );
    expect(store.mergeFaces(id, 1, 3)).toBe(2);
    expect(store.faces(id)).toEqual([1, 2]);
    expect(store.faceNames(id)).toEqual(
      new Map([
        [1, 'Participant A'],
        [2, 'Participant B'],
      ]),
    );
    const [a, b] = store.faceSummaries(id);
    expect(a).toMatchObject({ faceId: 1, name: 'Participant A', samples: 4, secondsInView: 2, dominant: 'happy' });
    expect(a.timeShares[EMOTIONS.indexOf('happy')]).toBeCloseTo(3 / 4);
    expect(b).toMatchObject({ faceId: 2, name: 'Participant B', samples: 1, secondsInView: 1, dominant: 'sad' });
    expect(b.valence).toBeLessThan(0);
    // The name travels with the samples.
    expect([...store.iterateSamples([id])].map((s) => s.faceName)).toEqual([
      'Participant A',
      'Participant B',
      'Participant A',
      'Participant A',
      'Participant A',
    ]);
    store.nameFace(id, 2, '');
    expect(store.faceNames(id).has(2)).toBe(false);
    expect(() => store.mergeFaces(id, 2, 2)).toThrow(/itself/);
  });

  it('gives a merged face the name of the one merged into it when it had none', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'x', startedAt: 0 });
    store.appendSamples(id, [
      { ...sample(4, 'happy'), offsetMs: 0 },
      { ...sample(5, 'happy'), offsetMs: 100 },
    ]);
    store.nameFace(id, 5, 'Kim');
    store.mergeFaces(id, 4, 5);
    expect(store.faceNames(id)).toEqual(new Map([[4, 'Kim']]));
  });
});

describe('calibrated samples', () => {
  const reference = [0.05, 0.01, 0.05, 0.05, 0.1, 0.04, 0.7];
  const sadResting = [0.1, 0.01, 0.05, 0.04, 0.5, 0.02, 0.28];

  it('keeps raw and calibrated probabilities side by side, and reads either', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'calibrated', startedAt: 0 });
    const raw = sample(1, 'sad', 0.4);
    const calibrated = applyBaseline(raw.probabilities, baselineFactors(sadResting, reference, 1));
    store.appendSamples(id, [
      { ...raw, offsetMs: 0, calibrated },
      { ...sample(2, 'happy'), offsetMs: 0 }, // a face without a baseline
    ]);
    store.addBaseline(id, 0, { faceId: 1, baseline: sadResting, reference, strength: 1, frames: 20, model: 'default' });

    const [first, second] = [...store.iterateSamples([id])];
    expect(first.probabilities).toEqual(raw.probabilities);
    expect(first.calibrated).toEqual(calibrated);
    expect(topEmotionIndex(calibrated)).not.toBe(EMOTIONS.indexOf('sad')); // the resting bias taken out
    expect(second.calibrated).toBeUndefined();

    // Raw views read the model's values; calibrated views the corrected ones where they exist.
    const share = (values: 'raw' | 'calibrated', emotion: string) =>
      store.distribution(id, undefined, values).find((s) => s.emotion === emotion)!;
    expect(share('raw', 'sad').timeShare).toBe(0.5);
    expect(share('calibrated', 'sad').timeShare).toBe(0);
    expect(share('calibrated', 'happy').timeShare).toBe(0.5); // face 2 unchanged
    expect(share('calibrated', 'sad').meanProbability).toBeCloseTo(
      (calibrated[4] + sample(2, 'happy').probabilities[4]) / 2,
      12,
    );
    expect(store.affect(id, 1, 'calibrated')!.valence).toBeCloseTo(valence(calibrated), 12);
    expect(store.affect(id, 1, 'raw')!.valence).toBeCloseTo(valence(raw.probabilities), 12);
    expect(store.timeline(id, 1000, 1, 'calibrated')[0].probabilities).toEqual(
      calibrated.map((p) => expect.closeTo(p, 12)),
    );
    expect(store.segments(id, 1000, 1, 'calibrated')[0].dominant).toBe(EMOTIONS[topEmotionIndex(calibrated)]);
    expect(store.faceSummaries(id, 'raw')[0].dominant).toBe('sad');
    expect(store.faceSummaries(id, 'calibrated')[0].dominant).toBe(EMOTIONS[topEmotionIndex(calibrated)]);

    expect(store.baselines(id)).toEqual([
      {
        id: 1,
        sessionId: id,
        faceId: 1,
        offsetMs: 0,
        baseline: sadResting,
        reference,
        strength: 1,
        frames: 20,
        model: 'default',
      },
    ]);
  });

  it("moves a merged face's baselines with its samples", () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'merge', startedAt: 0 });
    store.appendSamples(id, [
      { ...sample(1, 'sad'), offsetMs: 0 },
      { ...sample(2, 'sad'), offsetMs: 500 },
    ]);
    store.addBaseline(id, 400, {
      faceId: 2,
      baseline: sadResting,
      reference,
      strength: 0.5,
      frames: 10,
      model: 'default',
    });
    store.mergeFaces(id, 1, 2);
    expect(store.baselines(id).map((b) => b.faceId)).toEqual([1]);
  });
});
