import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { arousal, valence } from '@shared/affect';
import { applyBaseline } from '@shared/baseline';
import { EMOTIONS } from '@shared/emotions';
import {
  csvField,
  exportPhotosCsv,
  exportSamplesCsv,
  exportSegmentsCsv,
  exportSummaryCsv,
  PHOTO_COLUMNS,
  SAMPLE_COLUMNS,
  SEGMENT_COLUMNS,
  SUMMARY_COLUMNS,
} from './csv-export';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';
import { openDatabase } from './database';

async function capture(write: (out: PassThrough) => Promise<number>): Promise<{ rows: number; csv: string }> {
  const out = new PassThrough();
  const collected = text(out);
  const rows = await write(out);
  out.end();
  return { rows, csv: await collected };
}

const awkwardName = 'Café "Q&A", day 1\nsecond line — ok';

function storeWithSessions() {
  const store = new SessionStore(openDatabase(':memory:'));
  const first = store.createSession({ name: awkwardName, startedAt: Date.UTC(2026, 10, 24, 10, 0, 0) });
  store.appendSamples(first.id, [
    { ...sample(1, 'happy', 0.8), offsetMs: 0 },
    { ...sample(2, 'sad', 0.6), offsetMs: 1250 },
  ]);
  const second = store.createSession({ name: 'plain', startedAt: Date.UTC(2026, 10, 24, 11) });
  store.appendSamples(second.id, [{ ...sample(1, 'fear', 0.9), offsetMs: 100 }]);
  return { store, first, second };
}

describe('CSV export', () => {
  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('writes one row per sample that a CSV parser reads back exactly, names and all', async () => {
    const { store, first } = storeWithSessions();
    const { rows, csv } = await capture((out) => exportSamplesCsv(store, out, [first.id]));
    expect(rows).toBe(2);
    expect(csv.split('\r\n')[0]).toBe(SAMPLE_COLUMNS.join(','));
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      session_id: String(first.id),
      session_name: awkwardName,
      timestamp: '2026-11-24T10:00:00.000Z',
      offset_ms: '0',
      face_id: '1',
      top_emotion: 'happy',
      confidence: '0.8',
      box_x: '0.1',
      box_height: '0.4',
    });
    expect(records[1]).toMatchObject({ timestamp: '2026-11-24T10:00:01.250Z', face_id: '2', top_emotion: 'sad' });
    // Valence and arousal of each sample, at the end: happy 0.8 against the others' 0.2 / 6.
    expect(Number(records[0].valence)).toBeCloseTo(0.8 - 0.2 / 6, 5);
    expect(Number(records[0].arousal)).toBeCloseTo(0.8 * 0.51 + (0.2 / 6) * (0.59 + 0.35 + 0.6 - 0.27 + 0.67), 5);
    expect(Object.keys(records[0]).slice(18, 21)).toEqual(['valence', 'arousal', 'face_name']);
    const probabilities = EMOTIONS.map((emotion) => Number(records[1][emotion]));
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // No baseline: the calibrated columns are there, empty.
    expect(EMOTIONS.map((emotion) => records[0][`calibrated_${emotion}`])).toEqual(EMOTIONS.map(() => ''));
  });

  it("writes a calibrated face's corrected values beside its raw ones", async () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const session = store.createSession({ name: 'calibrated', startedAt: Date.UTC(2026, 10, 24, 10) });
    const raw = sample(1, 'sad', 0.4).probabilities;
    const calibrated = applyBaseline(raw, [1, 1, 1, 1, 0.25, 1, 2]);
    store.appendSamples(session.id, [{ ...sample(1, 'sad', 0.4), offsetMs: 0, calibrated }]);
    const { csv } = await capture((out) => exportSamplesCsv(store, out));
    const [record] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(record.top_emotion).toBe('sad');
    expect(EMOTIONS.map((emotion) => Number(record[emotion]))).toEqual(raw.map((p) => expect.closeTo(p, 5)));
    expect(record.calibrated_top_emotion).toBe('neutral');
    expect(EMOTIONS.map((emotion) => Number(record[`calibrated_${emotion}`]))).toEqual(
      calibrated.map((p) => expect.closeTo(p, 5)),
    );
    expect(Number(record.calibrated_valence)).toBeCloseTo(valence(calibrated), 5);
    expect(Number(record.calibrated_arousal)).toBeCloseTo(arousal(calibrated), 5);
  });

  it('exports every session when none is named, and a per-session summary', async () => {
    const { store } = storeWithSessions();
    const all = await capture((out) => exportSamplesCsv(store, out));
    expect(all.rows).toBe(3);
    const summary = await capture((out) => exportSummaryCsv(store, out));
    const records = parse(summary.csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(SUMMARY_COLUMNS);
    expect(records.map((r) => r.session_name)).toEqual([awkwardName, 'plain']);
    expect(Number(records[0].happy_time_share)).toBeCloseTo(0.5);
    expect(Number(records[1].fear_time_share)).toBe(1);
    expect(Number(records[1].fear_mean_probability)).toBeCloseTo(0.9);
    expect(Number(records[1].mean_valence)).toBeCloseTo(0.1 / 6 - 0.9, 5);
  });

  it('writes one row per segment between markers, with its dominant emotion and time shares', async () => {
    const { store, first } = storeWithSessions();
    store.addMarker(first.id, 1000, 'question, "two"');
    const { rows, csv } = await capture((out) => exportSegmentsCsv(store, out, [first.id]));
    expect(rows).toBe(2);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(SEGMENT_COLUMNS);
    expect(records.map((r) => [r.segment, r.marker, r.start_ms, r.duration_ms, r.samples, r.dominant_emotion])).toEqual(
      [
        ['1', 'Start', '0', '1000', '1', 'happy'],
        ['2', 'question, "two"', '1000', '250', '1', 'sad'],
      ],
    );
    expect(records[1].sad_time_share).toBe('1');
  });

  it('streams: waits for a slow reader instead of buffering the whole export', async () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const { id } = store.createSession({ name: 'long' });
    store.appendSamples(
      id,
      Array.from({ length: 5000 }, (_, i) => ({ ...sample(1, 'neutral'), offsetMs: i * 100 })),
    );
    const out = new PassThrough({ highWaterMark: 1024 });
    let maxBuffered = 0;
    const exporting = exportSamplesCsv(store, out);
    let received = 0;
    out.on('data', (chunk: Buffer) => {
      received += chunk.length;
      maxBuffered = Math.max(maxBuffered, out.writableLength);
    });
    expect(await exporting).toBe(5000);
    expect(received).toBeGreaterThan(5000 * 50);
    expect(maxBuffered).toBeLessThan(64 * 1024);
  });
});

describe('photo CSV export', () => {
  it('writes a row per face, and one row for a photo with no face or that could not be read', async () => {
    const happy = [0.05, 0.05, 0.05, 0.6, 0.1, 0.1, 0.05];
    const sad = [0.1, 0.05, 0.05, 0.05, 0.6, 0.05, 0.1];
    const { rows, csv } = await capture((out) =>
      exportPhotosCsv(
        [
          {
            fileName: 'pair, outdoors.jpg',
            width: 1280,
            height: 720,
            faces: [
              { box: { x: 100.04, y: 50, width: 200, height: 210 }, probabilities: happy },
              { box: { x: 700, y: 60, width: 180, height: 190 }, probabilities: sad },
            ],
          },
          { fileName: 'empty.png', width: 640, height: 480, faces: [] },
          { fileName: 'notes.txt', width: 0, height: 0, faces: [], error: '"notes.txt" is not an image' },
        ],
        out,
      ),
    );
    expect(rows).toBe(4);
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual(PHOTO_COLUMNS);
    expect(records.map((r) => [r.file_name, r.faces_in_photo, r.face, r.top_emotion, r.note])).toEqual([
      ['pair, outdoors.jpg', '2', '1', 'happy', ''],
      ['pair, outdoors.jpg', '2', '2', 'sad', ''],
      ['empty.png', '0', '', '', 'no face found'],
      ['notes.txt', '0', '', '', '"notes.txt" is not an image'],
    ]);
    expect(records[0]).toMatchObject({ box_x: '100', box_width: '200', confidence: '0.6', happy: '0.6', sad: '0.1' });
  });
});
