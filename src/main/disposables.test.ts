import { describe, expect, it } from 'vitest';
import { DisposableStore } from './disposables';

describe('DisposableStore', () => {
  it('disposes newest first, once, going on past a failing dispose', () => {
    const store = new DisposableStore();
    const done: string[] = [];
    const errors: string[] = [];
    store.add('database', { dispose: () => done.push('database') });
    store.add('ml host', {
      dispose: () => {
        throw new Error('already gone');
      },
    });
    const training = store.add('training', { dispose: () => done.push('training') });
    expect(typeof training.dispose).toBe('function'); // add returns what it keeps
    expect(store.dispose({ error: (message) => void errors.push(message) })).toEqual([
      'training',
      'ml host',
      'database',
    ]);
    expect(done).toEqual(['training', 'database']);
    expect(errors).toEqual(['Disposing ml host failed: already gone']);
    expect(store.dispose()).toEqual([]);
    expect(() => store.add('late', { dispose: () => undefined })).toThrow(/after the app's services were disposed/);
  });
});
