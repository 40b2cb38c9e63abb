/**
 * The one recording clock. Every display of a recording's time (the header's REC, the recording
 * controls) listens to the same tick, at each whole second since the recording started, so no two
 * of them can disagree; marker names and History write times with the same truncation
 * (formatDuration), so a marker added at 0:03 is named and shown at 0:03.
 */
type Listener = (elapsedMs: number) => void;

interface Clock {
  listeners: Set<Listener>;
  /** Whole seconds since the start, in ms. */
  elapsedMs: number;
  timer?: ReturnType<typeof setTimeout>;
}

const clocks = new Map<number, Clock>();

/** Calls `listener` now and at each whole second since `startedAt`; returns the call that stops it. */
export function watchRecordingClock(startedAt: number, listener: Listener): () => void {
  let clock = clocks.get(startedAt);
  if (!clock) {
    const created: Clock = { listeners: new Set(), elapsedMs: 0 };
    const tick = () => {
      const elapsed = Math.max(0, Date.now() - startedAt);
      created.elapsedMs = elapsed - (elapsed % 1000);
      for (const notify of created.listeners) notify(created.elapsedMs);
      // To the next whole second (a timer that fires early only re-reads the same second).
      created.timer = setTimeout(tick, 1000 - (elapsed % 1000));
    };
    tick();
    clocks.set(startedAt, created);
    clock = created;
  }
  const running = clock;
  running.listeners.add(listener);
  listener(running.elapsedMs);
  return () => {
    running.listeners.delete(listener);
    if (running.listeners.size > 0) return;
    clearTimeout(running.timer);
    clocks.delete(startedAt);
  };
}
