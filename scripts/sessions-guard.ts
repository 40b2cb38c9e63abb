/**
 * The sessions guard (`npm run guard:sessions`, a stage of `npm run verify`): a scaled-down
 * `bench:sessions` that fails when History's session view costs more than twice what it did,
 * per sample read, against the committed baseline. The cost is a ratio, not a time: the median
 * detail query (the session view's one call) over the median plain scan of the same session's
 * samples, both on this machine in this run, so a slow or busy machine moves both alike.
 * `--write-baseline` measures and commits a new baseline (after a change that is meant to cost more).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EMOTIONS } from '../src/shared/emotions';
import { openDatabase } from '../src/main/storage/database';
import { SessionService } from '../src/main/storage/session-service';
import { SessionStore } from '../src/main/storage/session-store';

export const BASELINE_FILE = fileURLToPath(new URL('./sessions-guard.baseline.json', import.meta.url));

/** How much dearer than the baseline the detail query may become before the guard fails. */
export const ALLOWED_GROWTH = 2;

export interface GuardBaseline {
  /** Median detail query over median scan of the session's samples. */
  ratio: number;
  measuredAt: string;
}

/** Whether `ratio` is within ALLOWED_GROWTH of the baseline, and the line that says so. */
export function judge(ratio: number, baseline: GuardBaseline): { ok: boolean; message: string } {
  const growth = ratio / baseline.ratio;
  const figures = `detail query = ${ratio.toFixed(2)} sample scans (baseline ${baseline.ratio.toFixed(2)}, ${growth.toFixed(2)}x)`;
  return growth > ALLOWED_GROWTH
    ? {
        ok: false,
        message: `sessions guard FAILED: ${figures}, more than ${ALLOWED_GROWTH}x: History's session view reads more than it did (see docs/benchmarks.md, Sessions)`,
      }
    : { ok: true, message: `sessions guard passed: ${figures}` };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timeMs(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/**
 * Records a session of `minutes` with two faces at 10 samples a second (markers every five
 * minutes) in a new database, and returns the detail query's cost in scans of its samples.
 */
export function measureRatio(minutes = 30, runs = 9): { ratio: number; samples: number; detailMs: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-guard-'));
  try {
    const db = openDatabase(path.join(dir, 'sessions.db'));
    const store = new SessionStore(db);
    const durationMs = minutes * 60_000;
    const { id, startedAt } = store.createSession({ name: 'guard', startedAt: Date.now() - durationMs });
    for (let second = 0; second < durationMs / 1000; second++) {
      const batch = [];
      for (let k = 0; k < 10; k++) {
        for (let face = 1; face <= 2; face++) {
          const top = (second + face) % EMOTIONS.length;
          batch.push({
            faceId: face,
            offsetMs: second * 1000 + k * 100,
            probabilities: EMOTIONS.map((_, c) => (c === top ? 0.64 : 0.06)),
            box: { x: 0.1 + 0.4 * (face - 1), y: 0.2, width: 0.3, height: 0.4 },
          });
        }
      }
      store.appendSamples(id, batch);
    }
    for (let minute = 5; minute < minutes; minute += 5) store.addMarker(id, minute * 60_000, `marker ${minute}`);
    store.endSession(id, startedAt + durationMs);
    const service = new SessionService(store, { activeModel: () => 'default' });
    const scan = db.prepare(
      `SELECT count(*), ${EMOTIONS.map((e) => `sum(${e})`).join(', ')} FROM samples WHERE session_id = ?`,
    );
    const bucketMs = Math.max(1000, Math.ceil(durationMs / 1200 / 1000) * 1000); // about History's 1,200 points
    // Warm both (statements prepared, pages cached), then alternate them so load hits both alike.
    service.detail(id, bucketMs);
    scan.get(id);
    const detailTimes: number[] = [];
    const scanTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      detailTimes.push(timeMs(() => service.detail(id, bucketMs)));
      scanTimes.push(timeMs(() => scan.get(id)));
    }
    service.dispose();
    db.close();
    return {
      ratio: median(detailTimes) / median(scanTimes),
      samples: (durationMs / 1000) * 20,
      detailMs: median(detailTimes),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { 'write-baseline': { type: 'boolean', default: false } } });
  const measured = measureRatio();
  console.log(
    `${measured.samples} samples: detail query ${measured.detailMs.toFixed(1)} ms = ${measured.ratio.toFixed(2)} scans of its samples`,
  );
  if (values['write-baseline']) {
    const baseline: GuardBaseline = {
      ratio: Math.round(measured.ratio * 100) / 100,
      measuredAt: new Date().toISOString(),
    };
    writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
    console.log(`baseline written to ${path.relative(process.cwd(), BASELINE_FILE)}`);
  } else {
    const verdict = judge(measured.ratio, JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as GuardBaseline);
    console.log(verdict.message);
    if (!verdict.ok) process.exitCode = 1;
  }
}
