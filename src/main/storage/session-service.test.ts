import { describe, expect, it } from 'vitest';
import { BRIEF_FACE_SECONDS } from '@shared/sessions';
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
