import type { RunStatus } from '@shared/training';

export type RunAction = 'start' | 'pause' | 'resume' | 'cancel' | 'fail' | 'finish';

/**
 * Which action takes a run from which state to which. `resume` continues a paused run at once,
 * and puts a cancelled or failed run back in the queue (it goes on from its last checkpoint).
 */
const TRANSITIONS: Record<RunStatus, Partial<Record<RunAction, RunStatus>>> = {
  queued: { start: 'running', cancel: 'cancelled' },
  running: { pause: 'paused', cancel: 'cancelled', fail: 'failed', finish: 'done' },
  paused: { resume: 'running', cancel: 'cancelled', fail: 'failed' },
  cancelled: { resume: 'queued' },
  failed: { resume: 'queued' },
  done: {},
};

export class RunStateError extends Error {}

const PHRASES: Record<RunAction, string> = {
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled',
  fail: 'marked failed',
  finish: 'finished',
};

/** The state `action` leads to from `status`; a RunStateError with a sentence if it cannot happen. */
export function nextStatus(status: RunStatus, action: RunAction): RunStatus {
  const next = TRANSITIONS[status][action];
  if (!next) throw new RunStateError(`A ${status} run cannot be ${PHRASES[action]}`);
  return next;
}

export function canTransition(status: RunStatus, action: RunAction): boolean {
  return TRANSITIONS[status][action] !== undefined;
}

/** A run still holding the ML process (or waiting for it). */
export function isUnfinished(status: RunStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'paused';
}
