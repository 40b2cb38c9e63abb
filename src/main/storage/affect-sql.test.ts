import { describe, expect, it } from 'vitest';
import { arousal, valence } from '@shared/affect';
import { SessionStore } from './session-store';
import { sample } from './test-support/samples';
import { openDatabase } from './database';

describe('valence and arousal in the database', () => {
  it('averages per bucket and per session equal the means of the per-sample functions', () => {
    const store = new SessionStore(openDatabase(':memory:'));
    const session = store.createSession({ name: 'affect', startedAt: 0 });
    const samples = [
      { ...sample(1, 'happy', 0.7), offsetMs: 0 },
      { ...sample(1, 'sad', 0.6), offsetMs: 400 },
      { ...sample(2, 'fear', 0.5), offsetMs: 900 },
      { ...sample(2, 'surprise', 0.8), offsetMs: 1_500 },
    ];
    store.appendSamples(session.id, samples);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const [first, second] = store.timeline(session.id, 1_000);
    expect(first.valence).toBeCloseTo(mean(samples.slice(0, 3).map((s) => valence(s.probabilities))), 12);
    expect(first.arousal).toBeCloseTo(mean(samples.slice(0, 3).map((s) => arousal(s.probabilities))), 12);
    expect(second.valence).toBeCloseTo(valence(samples[3].probabilities), 12);
    expect(store.affect(session.id)?.valence).toBeCloseTo(mean(samples.map((s) => valence(s.probabilities))), 12);
    expect(store.affect(session.id, 2)?.arousal).toBeCloseTo(
      mean(samples.slice(2).map((s) => arousal(s.probabilities))),
      12,
    );
    expect(store.affect(store.createSession({ name: 'empty' }).id)).toBeUndefined();
  });
});
