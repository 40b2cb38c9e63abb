import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, baselineFactors } from '@shared/baseline';
import { SessionRecorder } from './recorder';
import { sample } from './test-support/samples';
import { SessionStore } from './session-store';
import { openDatabase } from './database';

describe('SessionRecorder', () => {
  it('keeps at most the configured samples per face per second, and writes them in batches', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    let now = 1_000_000;
    const session = store.createSession({ name: 'x', startedAt: now });
    const recorder = new SessionRecorder(store, session, {
      samplesPerFacePerSecond: 5,
      flushIntervalMs: 60_000,
      now: () => now,
    });
    let kept = 0;
    for (let frame = 0; frame < 30; frame++) {
      kept += recorder.add([sample(1, 'happy'), sample(2, 'sad')]);
      now += 1000 / 30;
    }
    expect(kept).toBe(10); // 1 s of 30 fps, two faces, 5 per face
    expect(store.session(session.id)?.samples).toBe(0); // still buffered
    recorder.flush();
    expect(store.session(session.id)?.samples).toBe(10);
    const ended = recorder.stop();
    expect(ended.endedAt).toBe(now);
  });

  it.each([3, 15, 30])(
    'keeps every frame of a video analysed at %i per second of video time, however the ms round',
    (rate) => {
      const store = new SessionStore(openDatabase(':memory:'));
      const session = store.createSession({ source: { kind: 'video', fileName: 'clip.webm', durationMs: 60_000 } });
      const recorder = new SessionRecorder(store, session, { samplesPerFacePerSecond: rate, flushIntervalMs: 60_000 });
      let kept = 0;
      // Frame times as a container stores them: whole milliseconds.
      for (let frame = 0; frame < 60 * rate; frame++)
        kept += recorder.add([sample(1, 'happy')], Math.round((frame * 1000) / rate));
      expect(kept).toBe(60 * rate);
      // Twice the same moment (a repeated call) is kept once.
      expect(recorder.add([sample(1, 'happy')], ((60 * rate - 1) * 1000) / rate)).toBe(0);
      recorder.stop();
    },
  );

  it('keeps everything up to the last batch when the recording process is killed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-crash-'));
    const file = path.join(dir, 'sessions.db');
    try {
      const child = fork(path.resolve('src/main/storage/test-support/record-until-killed.ts'), [file], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const batches = await new Promise<number>((resolve, reject) => {
        child.on('message', (message: { flushed: number }) => {
          if (message.flushed >= 3) resolve(message.flushed);
        });
        child.on('exit', (code) => reject(new Error(`recorder exited early (${code})`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      const store = new SessionStore(openDatabase(file));
      const [session] = store.listSessions();
      expect(session.endedAt).toBeUndefined(); // nobody closed it
      // Each flushed batch holds 2 faces x 5 samples; nothing flushed is lost.
      expect(session.samples).toBeGreaterThanOrEqual(batches * 10);
      expect(store.recoverInterrupted()).toBe(1);
      const recovered = store.session(session.id)!;
      expect(recovered.interrupted).toBe(true);
      const last = store.db.prepare('SELECT max(offset_ms) FROM samples').pluck().get() as number;
      expect(recovered.endedAt).toBe(recovered.startedAt + last);
      store.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SessionRecorder markers', () => {
  it('names a marker without text after its stored time, truncated as the recording clock shows it', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    let now = 50_000;
    const session = store.createSession({ name: 'markers', startedAt: now });
    const recorder = new SessionRecorder(store, session, { flushIntervalMs: 60_000, now: () => now });
    now += 3_900; // the clock still shows 0:03
    expect(recorder.addMarker()).toMatchObject({ offsetMs: 3_900, text: 'Marker at 0:03' });
    expect(recorder.addMarker('  question 2 ')).toMatchObject({ text: 'question 2' });
    recorder.stop();
  });
});

describe('SessionRecorder baselines', () => {
  const reference = [0.05, 0.01, 0.05, 0.05, 0.1, 0.04, 0.7];
  const baseline = [0.1, 0.01, 0.05, 0.04, 0.5, 0.02, 0.28];

  it("keeps a calibrated face's samples raw and calibrated from the baseline on, other faces raw", () => {
    const store = new SessionStore(openDatabase(':memory:'));
    let now = 10_000;
    const session = store.createSession({ name: 'calibrated', startedAt: now });
    const recorder = new SessionRecorder(store, session, { flushIntervalMs: 60_000, now: () => now });
    recorder.add([sample(1, 'sad', 0.4)]);
    now += 1_000;
    const stored = recorder.setBaseline({
      faceId: 1,
      baseline,
      reference,
      strength: 0.5,
      frames: 15,
      model: 'default',
    });
    expect(stored).toMatchObject({ sessionId: session.id, faceId: 1, offsetMs: 1_000 });
    recorder.add([sample(1, 'sad', 0.4), sample(2, 'sad', 0.4)]);
    recorder.stop();

    const samples = [...store.iterateSamples([session.id])];
    expect(samples.map((s) => [s.offsetMs, s.faceId, s.calibrated !== undefined])).toEqual([
      [0, 1, false], // before the baseline
      [1_000, 1, true],
      [1_000, 2, false], // another face
    ]);
    const expected = applyBaseline(sample(1, 'sad', 0.4).probabilities, baselineFactors(baseline, reference, 0.5));
    expect(samples[1].calibrated).toEqual(expected.map((p) => expect.closeTo(p, 12)));
    expect(samples[1].probabilities).toEqual(sample(1, 'sad', 0.4).probabilities);
    expect(store.baselines(session.id)).toHaveLength(1);
  });

  it('stops calibrating with a baseline once the live model is another one, and keeps which model it was', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    let now = 10_000;
    let model = 'default';
    const session = store.createSession({ name: 'switch', startedAt: now, model });
    const recorder = new SessionRecorder(store, session, {
      flushIntervalMs: 60_000,
      now: () => now,
      activeModel: () => model,
    });
    recorder.setBaseline({ faceId: 1, baseline, reference, strength: 1, frames: 15, model: 'default' });
    recorder.add([sample(1, 'sad', 0.4)]);
    now += 1_000;
    model = 'seed';
    recorder.add([sample(1, 'sad', 0.4)]);
    recorder.stop();
    const samples = [...store.iterateSamples([session.id])];
    expect(samples.map((s) => s.calibrated !== undefined)).toEqual([true, false]);
    expect(store.baselines(session.id).map((b) => b.model)).toEqual(['default']);
  });

  it("refuses a baseline for a file's analysis, and a strength outside [0, 1]", () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const live = new SessionRecorder(store, store.createSession({ name: 'live' }), { flushIntervalMs: 60_000 });
    expect(() =>
      live.setBaseline({ faceId: 1, baseline, reference, strength: 2, frames: 5, model: 'default' }),
    ).toThrow(/strength/);
    expect(store.baselines(live.session.id)).toEqual([]);
    live.stop();
    const file = store.createSession({ source: { kind: 'video', fileName: 'clip.webm', durationMs: 1_000 } });
    const analysis = new SessionRecorder(store, file, { flushIntervalMs: 60_000 });
    expect(() =>
      analysis.setBaseline({ faceId: 1, baseline, reference, strength: 0.5, frames: 5, model: 'default' }),
    ).toThrow(/live view/);
    analysis.stop();
  });
});
