/** Test helper: records a session with a fast clock until killed, reporting each flushed batch. */
import { EMOTIONS } from '@shared/emotions';
import { SessionRecorder } from '../recorder';
import { SessionStore } from '../session-store';
import { openDatabase } from '../database';

const store = new SessionStore(openDatabase(process.argv[2]));
let now = Date.now();
const recorder = new SessionRecorder(store, store.createSession({ name: 'until killed', startedAt: now }), {
  flushIntervalMs: 1_000_000,
  now: () => now,
});
const face = (faceId: number) => ({
  faceId,
  probabilities: EMOTIONS.map((_, i) => (i === faceId ? 0.7 : 0.05)),
  box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 },
});
let flushed = 0;
// One simulated second per tick: 30 frames of two faces, then a flush, as the app does each second.
setInterval(() => {
  for (let frame = 0; frame < 30; frame++) {
    recorder.add([face(1), face(2)]);
    now += 1000 / 30;
  }
  recorder.flush();
  process.send?.({ flushed: ++flushed });
}, 20);
