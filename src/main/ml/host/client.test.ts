import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_FACES_PER_CALL, type MlStatus } from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { applyTemperature } from '../evaluation/calibration';
import { MlHostClient, type HostChannel } from './client';
import type { HostMessage } from './protocol';
import { spawnWorkerHost } from './worker-channel';

const DEFAULT_MODEL = path.resolve('resources/models/default');
const FAST_MODEL = path.resolve('resources/models/fast');

function waitFor(statuses: MlStatus[], predicate: (status: MlStatus) => boolean): Promise<MlStatus> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const found = statuses.find(predicate);
      if (found) return resolve(found);
      if (Date.now() - started > 60_000) return reject(new Error(`no such status in ${JSON.stringify(statuses)}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('ML host client (the real host on a worker thread)', () => {
  let client: MlHostClient | undefined;
  afterEach(() => client?.dispose());

  it('loads the bundled model and classifies a batch of faces into probabilities', async () => {
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: DEFAULT_MODEL });
    const status = await client.start();
    expect(status).toMatchObject({ state: 'ready', model: 'default' });
    const { probabilities } = await client.classify(new Float32Array(3 * FACE_PIXELS).fill(0.5));
    expect(probabilities).toHaveLength(3 * NUM_CLASSES);
    for (let face = 0; face < 3; face++) {
      const sum = probabilities.subarray(face * NUM_CLASSES, (face + 1) * NUM_CLASSES).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 4);
    }
  });

  it('reports what it holds, and classifying leaves no tensor behind', async () => {
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: DEFAULT_MODEL });
    await client.start();
    const before = await client.request('memory', {});
    expect(before.tensors).toBeGreaterThan(0); // the model's weights
    expect(before.wasmHeapBytes).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) await client.classify(new Float32Array((1 + (i % 3)) * FACE_PIXELS).fill(0.5));
    const after = await client.request('memory', {});
    expect(after).toMatchObject({ tensors: before.tensors, tensorBytes: before.tensorBytes });
  });

  it('restarts a host that dies, fails the call in flight clearly, and classifies again', async () => {
    const statuses: MlStatus[] = [];
    let channel: HostChannel | undefined;
    client = new MlHostClient({
      spawn: () => (channel = spawnWorkerHost()),
      modelDir: DEFAULT_MODEL,
      onStatus: (status) => statuses.push(status),
      restartDelayMs: 10,
    });
    await client.start();
    const inFlight = client.classify(new Float32Array(FACE_PIXELS));
    channel!.kill();
    await expect(inFlight).rejects.toThrow(/stopped unexpectedly/);
    await waitFor(statuses, (s) => s.state === 'restarting' && s.restarts === 1);
    await waitFor(statuses, (s) => s.state === 'ready' && s.restarts === 1);
    expect((await client.classify(new Float32Array(FACE_PIXELS))).probabilities).toHaveLength(NUM_CLASSES);
  });

  it('gives up after repeated crashes and says so', async () => {
    const statuses: MlStatus[] = [];
    const dying = (): HostChannel => {
      let exit: ((code: number) => void) | undefined;
      setTimeout(() => exit?.(1), 5);
      return {
        send: () => undefined,
        onMessage: () => () => undefined,
        onExit: (listener) => {
          exit = listener;
          return () => (exit = undefined);
        },
        kill: () => undefined,
      };
    };
    client = new MlHostClient({
      spawn: dying,
      modelDir: DEFAULT_MODEL,
      onStatus: (s) => statuses.push(s),
      restartDelayMs: 1,
      maxRestarts: 2,
    });
    void client.start();
    const failed = await waitFor(statuses, (s) => s.state === 'failed');
    expect(failed.message).toMatch(/stopped 3 times/);
    await expect(client.classify(new Float32Array(FACE_PIXELS))).rejects.toThrow(/unavailable/);
  });

  it('switches the active model without a restart, and keeps the old one when the new one is broken', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-switch-'));
    try {
      const copy = path.join(dir, 'copy');
      cpSync(DEFAULT_MODEL, copy, { recursive: true });
      const metadataFile = path.join(copy, 'metadata.json');
      writeFileSync(
        metadataFile,
        JSON.stringify({ ...JSON.parse(readFileSync(metadataFile, 'utf8')), name: 'my copy' }),
      );
      client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: DEFAULT_MODEL });
      await client.start();
      expect((await client.useModel(copy)).model).toBe('my copy');
      await expect(client.useModel(path.join(dir, 'missing'))).rejects.toThrow(/metadata.json is missing/);
      expect(client.status).toMatchObject({ state: 'ready', model: 'my copy' });
      expect((await client.classify(new Float32Array(FACE_PIXELS))).probabilities).toHaveLength(NUM_CLASSES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies the model's temperature to the probabilities it returns (what the overlay shows and sessions record)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-temperature-'));
    try {
      const raw = path.join(dir, 'raw');
      const calibrated = path.join(dir, 'calibrated');
      for (const [target, calibration] of [
        [raw, undefined],
        [calibrated, { single: 2.5, mirrored: 1.5, fittedOn: 'test', images: 10 }],
      ] as const) {
        cpSync(DEFAULT_MODEL, target, { recursive: true });
        const file = path.join(target, 'metadata.json');
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), calibration }));
      }
      // Faces of different brightness, so the probabilities differ from face to face.
      const faces = Float32Array.from({ length: 3 * FACE_PIXELS }, (_, i) => ((i * 7919) % 256) / 255);
      client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: raw });
      await client.start();
      const before = (await client.classify(faces)).probabilities;
      await client.useModel(calibrated);
      const after = (await client.classify(faces)).probabilities;
      const expected = applyTemperature(before, 2.5);
      for (let i = 0; i < expected.length; i++) expect(after[i]).toBeCloseTo(expected[i], 5);
      // A temperature above 1 makes every face's top probability less confident.
      for (let face = 0; face < 3; face++) {
        const top = (p: Float32Array) => Math.max(...p.subarray(face * NUM_CLASSES, (face + 1) * NUM_CLASSES));
        expect(top(after)).toBeLessThan(top(before));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a live frame of more faces than the chosen model serves at 30 fps to the crowd model, and nothing else', async () => {
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: DEFAULT_MODEL, crowdModelDir: FAST_MODEL });
    const status = await client.start();
    // How many faces the default model serves is measured on this machine as it loads.
    expect(status.crowd).toEqual({ model: 'fast', aboveFaces: expect.any(Number) });
    const above = status.crowd!.aboveFaces;
    expect(above).toBeGreaterThanOrEqual(1);
    const faces = (count: number) => new Float32Array(count * FACE_PIXELS).fill(0.5);
    if (above < MAX_FACES_PER_CALL) {
      expect((await client.classify(faces(above + 1), { live: true })).model).toBe('fast');
      expect((await client.classify(faces(above + 1))).model).toBe('default'); // a file: the chosen model
    }
    expect((await client.classify(faces(above), { live: true })).model).toBe('default');
  });

  it('has no crowd model when it would be the chosen model itself, or is no faster, or does not load', async () => {
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: FAST_MODEL, crowdModelDir: FAST_MODEL });
    expect((await client.start()).crowd).toBeUndefined();
    client.dispose();
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: FAST_MODEL, crowdModelDir: DEFAULT_MODEL });
    expect((await client.start()).crowd).toBeUndefined();
    client.dispose();
    const broken = mkdtempSync(path.join(tmpdir(), 'emotion-monitor-broken-'));
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: DEFAULT_MODEL, crowdModelDir: broken });
    expect(await client.start()).toMatchObject({ state: 'ready', model: 'default', crowd: undefined });
    rmSync(broken, { recursive: true });
  });

  it('reports a broken model folder as a failed state with the reason', async () => {
    client = new MlHostClient({ spawn: spawnWorkerHost, modelDir: path.resolve('does-not-exist') });
    const status = await client.start();
    expect(status.state).toBe('failed');
    expect(status.message).toMatch(/could not be loaded/);
  });

  it('stops delivering host events to a listener that unsubscribed, and to every one once disposed', async () => {
    let deliver: ((message: HostMessage) => void) | undefined;
    let listening = 0;
    const channel: HostChannel = {
      send: (request) =>
        queueMicrotask(() =>
          deliver?.({ id: request.id, ok: true, value: { model: 'fake', backend: 'wasm', blurSigma: 0 } }),
        ),
      onMessage: (listener) => {
        deliver = listener;
        listening++;
        return () => {
          deliver = undefined;
          listening--;
        };
      },
      onExit: () => () => undefined,
      kill: () => undefined,
    };
    client = new MlHostClient({ spawn: () => channel, modelDir: DEFAULT_MODEL });
    await client.start();
    const seen: string[] = [];
    const stopFirst = client.onEvent((event) => seen.push(`first ${event.event}`));
    client.onEvent((event) => seen.push(`second ${event.event}`));
    const progress = { event: 'datasetProgress', path: '/data', progress: { done: 1, total: 2 } } as HostMessage;
    deliver!(progress);
    stopFirst();
    deliver!(progress);
    expect(seen).toEqual(['first datasetProgress', 'second datasetProgress', 'second datasetProgress']);
    client.dispose();
    expect(listening).toBe(0); // the client let go of the channel
  });
});
