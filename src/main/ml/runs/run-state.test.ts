import { describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '@shared/training';
import { canTransition, isUnfinished, nextStatus, RunStateError, type RunAction } from './run-state';

describe('training run states', () => {
  it('follows a run from the queue to done, through a pause', () => {
    let status = nextStatus('queued', 'start');
    expect(status).toBe('running');
    status = nextStatus(status, 'pause');
    expect(status).toBe('paused');
    status = nextStatus(status, 'resume');
    expect(status).toBe('running');
    expect(nextStatus(status, 'finish')).toBe('done');
  });

  it('puts cancelled and failed runs back in the queue when resumed', () => {
    expect(nextStatus('cancelled', 'resume')).toBe('queued');
    expect(nextStatus('failed', 'resume')).toBe('queued');
  });

  it('cancels queued, running and paused runs; fails running and paused ones', () => {
    for (const from of ['queued', 'running', 'paused'] as const) expect(nextStatus(from, 'cancel')).toBe('cancelled');
    for (const from of ['running', 'paused'] as const) expect(nextStatus(from, 'fail')).toBe('failed');
  });

  it('refuses every other move with a sentence', () => {
    const allowed = new Set([
      'queued:start',
      'queued:cancel',
      'running:pause',
      'running:cancel',
      'running:fail',
      'running:finish',
      'paused:resume',
      'paused:cancel',
      'paused:fail',
      'cancelled:resume',
      'failed:resume',
    ]);
    const actions: RunAction[] = ['start', 'pause', 'resume', 'cancel', 'fail', 'finish'];
    for (const status of RUN_STATUSES) {
      for (const action of actions) {
        const key = `${status}:${action}`;
        expect(canTransition(status, action), key).toBe(allowed.has(key));
        if (!allowed.has(key)) expect(() => nextStatus(status, action), key).toThrow(RunStateError);
      }
    }
    expect(() => nextStatus('done', 'resume')).toThrow('A done run cannot be resumed');
  });

  it('knows which runs still hold the queue', () => {
    expect(RUN_STATUSES.filter(isUnfinished)).toEqual(['queued', 'running', 'paused']);
  });
});
