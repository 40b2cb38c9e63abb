import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arousal, valence } from '@shared/affect';
import { EMOTIONS, topEmotionIndex } from '@shared/emotions';
import type { SampleValues, TimelineBucket } from '@shared/sessions';
import { openDatabase } from './database';
import { MIGRATIONS } from './migrations';
import { rangePieces, SUM_SPANS_MS } from './sample-sums';
import { SessionStore, type TimedSample } from './session-store';
import { Random } from '../ml/training/random';

/** A recorded session's samples: three faces coming and going, some calibrated, at uneven times. */
function recording(seed: number): TimedSample[] {
  const random = new Random(seed);
  const samples: TimedSample[] = [];
  for (let offset = 0; offset < 700_000; offset += 40 + Math.floor(random.next() * 170)) {
    for (let faceId = 1; faceId <= 3; faceId++) {
      if (faceId === 3 && (offset < 70_000 || offset > 130_000)) continue; // a face seen for a minute only
      const raw = EMOTIONS.map(() => random.next() ** 3);
      const total = raw.reduce((a, b) => a + b, 0);
      const probabilities = raw.map((value) => value / total);
      const calibrated = faceId === 2 && offset > 50_000 ? [...probabilities].reverse() : undefined;
      samples.push({
        faceId,
        offsetMs: offset,
        probabilities,
        ...(calibrated ? { calibrated } : {}),
        box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 },
      });
    }
  }
  return samples;
}

/** What History should show, straight from the samples in JavaScript. */
function reference(samples: TimedSample[], values: SampleValues) {
  const valuesOf = (sample: TimedSample) =>
    values === 'calibrated' && sample.calibrated ? [...sample.calibrated] : [...sample.probabilities];
  const totals = (chosen: TimedSample[]) => {
    const n = chosen.length;
    const mean = (f: (s: TimedSample) => number) => chosen.reduce((sum, s) => sum + f(s), 0) / n;
    return {
      n,
      means: EMOTIONS.map((_, c) => mean((s) => valuesOf(s)[c])),
      shares: EMOTIONS.map((_, c) => chosen.filter((s) => topEmotionIndex(valuesOf(s)) === c).length / n),
      valence: mean((s) => valence(valuesOf(s))),
      arousal: mean((s) => arousal(valuesOf(s))),
      seconds: new Set(chosen.map((s) => Math.floor(s.offsetMs / 1000))).size,
    };
  };
  const timeline = (bucketMs: number, faces?: number[]): TimelineBucket[] => {
    const chosen = faces ? samples.filter((s) => faces.includes(s.faceId)) : samples;
    const starts = [...new Set(chosen.map((s) => Math.floor(s.offsetMs / bucketMs) * bucketMs))].sort((a, b) => a - b);
    return starts.map((start) => {
      const t = totals(chosen.filter((s) => Math.floor(s.offsetMs / bucketMs) * bucketMs === start));
      return { offsetMs: start, samples: t.n, probabilities: t.means, valence: t.valence, arousal: t.arousal };
    });
  };
  return { totals, timeline };
}

function expectClose(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') {
    expect(actual, where).toBeCloseTo(expected, 9);
  } else if (Array.isArray(expected)) {
    expect(actual, where).toHaveLength(expected.length);
    expected.forEach((value, i) => expectClose((actual as unknown[])[i], value, `${where}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    }
  } else {
    expect(actual, where).toEqual(expected);
  }
}

/** Compares every History read of session `id` with the reference computed from `samples`. */
function expectReadsMatch(store: SessionStore, id: number, samples: TimedSample[]): void {
  const faces = [...new Set(samples.map((s) => s.faceId))].sort((a, b) => a - b);
  const summary = store.session(id)!;
  expect(summary.samples).toBe(samples.length);
  expect(summary.faces).toBe(faces.length);
  expect(store.faces(id)).toEqual(faces);
  for (const values of ['raw', 'calibrated'] as const) {
    const ref = reference(samples, values);
    // Buckets the sums serve (each size History draws) and ones they do not (0.5 s, 1.5 s, 45 s).
    for (const bucket of [1000, 2000, 5000, 15_000, 30_000, 60_000, 300_000, 600_000, 500, 1500, 45_000]) {
      expectClose(store.timeline(id, bucket, undefined, values), ref.timeline(bucket), `${values} timeline ${bucket}`);
      expectClose(store.timeline(id, bucket, 2, values), ref.timeline(bucket, [2]), `${values} face 2 ${bucket}`);
      const lanes = store.faceTimelines(id, bucket, faces, values);
      expect([...lanes.keys()].sort((a, b) => a - b)).toEqual(faces);
      for (const face of faces) {
        expectClose(lanes.get(face), ref.timeline(bucket, [face]), `${values} lane ${face} ${bucket}`);
      }
      expectClose(store.timeline(id, bucket, [1, 3], values), ref.timeline(bucket, [1, 3]), `${values} faces 1+3`);
      // A zoomed chart's stretch: the same buckets as the whole timeline's, from its start up to its end.
      const stretch = { fromMs: 3 * bucket, toMs: 7 * bucket };
      expectClose(
        store.timeline(id, bucket, 2, values, stretch),
        ref.timeline(bucket, [2]).filter((b) => b.offsetMs >= stretch.fromMs && b.offsetMs < stretch.toMs),
        `${values} face 2 ${bucket} stretch`,
      );
    }
    const all = ref.totals(samples);
    expectClose(
      store.distribution(id, undefined, values).map((share) => [share.timeShare, share.meanProbability]),
      EMOTIONS.map((_, c) => [all.shares[c], all.means[c]]),
      `${values} distribution`,
    );
    expectClose(store.affect(id, undefined, values), { valence: all.valence, arousal: all.arousal }, 'affect');
    for (const summaryOfFace of store.faceSummaries(id, values)) {
      const own = ref.totals(samples.filter((s) => s.faceId === summaryOfFace.faceId));
      expectClose(
        summaryOfFace,
        { samples: own.n, secondsInView: own.seconds, timeShares: own.shares, meanProbabilities: own.means },
        `${values} face ${summaryOfFace.faceId}`,
      );
    }
    // Segments between markers at odd times: whole minutes, spans and part-seconds add up exactly.
    const markers = store.markers(id).map((marker) => marker.offsetMs);
    const bounds = [0, ...markers, Infinity];
    store.segments(id, 700_000, 2, values).forEach((segment, i) => {
      const inside = samples.filter((s) => s.faceId === 2 && s.offsetMs >= bounds[i] && s.offsetMs < bounds[i + 1]);
      const own = ref.totals(inside);
      expect(segment.samples, `segment ${i}`).toBe(own.n);
      expectClose(segment.timeShares, own.shares, `${values} segment ${i}`);
      expectClose(segment.valence, own.valence, `${values} segment ${i} valence`);
    });
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-sums-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sample sums', () => {
  it('give every History figure the samples give, with writes that split seconds and minutes', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'sums', startedAt: 0 });
    const samples = recording(7);
    // Batches of uneven length, as a recorder under load writes them.
    for (let at = 0, size = 1; at < samples.length; at += size, size = (size * 7) % 23) {
      store.appendSamples(id, samples.slice(at, at + size));
    }
    for (const offset of [12_345, 60_000, 61_999, 150_500, 610_000]) store.addMarker(id, offset, `at ${offset}`);
    expectReadsMatch(store, id, samples);
    store.db.close();
  });

  it('follow a merge of two faces', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'merged', startedAt: 0 });
    const samples = recording(11);
    store.appendSamples(id, samples);
    store.mergeFaces(id, 1, 3);
    expectReadsMatch(
      store,
      id,
      samples.map((s) => (s.faceId === 3 ? { ...s, faceId: 1 } : s)),
    );
    store.db.close();
  });

  it('are computed by migration 8 for sessions recorded before it', () => {
    const file = path.join(dir, 'sessions.db');
    const db = new BetterSqlite3(file);
    MIGRATIONS.slice(0, 7).forEach((migration) => migration(db));
    db.pragma('user_version = 7');
    db.close();
    // Written by today's code, then the sums taken away: the file as version 7 left it.
    const samples = recording(3);
    const before = new SessionStore(openDatabase(file));
    const { id } = before.createSession({ name: 'old', startedAt: 0 });
    before.appendSamples(id, samples);
    before.addMarker(id, 99_999, 'late');
    before.db.exec('DROP TABLE sample_sums');
    before.db.pragma('user_version = 7');
    before.db.close();

    const store = new SessionStore(openDatabase(file));
    expectReadsMatch(store, id, samples);
    store.db.close();
  });

  it('go with their session when it is deleted', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'gone', startedAt: 0 });
    store.appendSamples(id, recording(5).slice(0, 500));
    store.deleteSessions([id]);
    expect(store.db.prepare('SELECT count(*) FROM sample_sums').pluck().get()).toBe(0);
    store.db.close();
  });
});

describe('rangePieces', () => {
  it('cover a range exactly once, with whole spans aligned to their size', () => {
    const random = new Random(1);
    for (let trial = 0; trial < 500; trial++) {
      const from = Math.floor(random.next() * 400_000);
      const to = trial % 10 === 0 ? Infinity : from + Math.floor(random.next() * 300_000);
      const pieces = rangePieces(from, to);
      let at = from;
      for (const piece of pieces) {
        expect(piece.fromMs).toBe(at);
        expect(piece.toMs).toBeGreaterThan(piece.fromMs);
        if (piece.span !== 'samples') {
          expect(SUM_SPANS_MS).toContain(piece.span);
          expect(piece.fromMs % piece.span).toBe(0);
          if (piece.toMs !== Infinity) expect(piece.toMs % piece.span).toBe(0);
        }
        at = piece.toMs;
      }
      expect(at).toBe(to === from ? from : to);
      // The samples are read only for less than a second at each edge.
      for (const piece of pieces.filter((p) => p.span === 'samples'))
        expect(piece.toMs - piece.fromMs).toBeLessThan(1000);
    }
  });
});
