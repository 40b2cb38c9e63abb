import type { TrackedFace } from '../vision/tracker';

/** How often at most the live view speaks to a screen reader: what changes every frame would drown it. */
export const ANNOUNCE_EVERY_MS = 5000;

/**
 * The faces in view for a screen reader: how many, and each one's name (or number) and top
 * emotion, without percentages, which change on every frame.
 */
export function describeFaces(
  faces: readonly Pick<TrackedFace, 'id' | 'top'>[],
  names: Readonly<Record<number, string>> = {},
): string {
  if (faces.length === 0) return 'No face in view';
  const each = faces.map(
    (face) => `${names[face.id] || `face ${face.id}`} ${face.top?.emotion ?? 'not yet classified'}`,
  );
  return `${faces.length === 1 ? '1 face' : `${faces.length} faces`}: ${each.join(', ')}`;
}

/**
 * Lets through a description when it differs from the last one let through and at least
 * `everyMs` have passed since; called on every frame, it speaks the state of the latest.
 */
export class Announcer {
  private last = '';
  private lastAt = -Infinity;

  constructor(
    private readonly everyMs = ANNOUNCE_EVERY_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The text to announce now, or undefined to stay quiet. */
  offer(text: string): string | undefined {
    const now = this.now();
    if (text === this.last || now - this.lastAt < this.everyMs) return undefined;
    this.last = text;
    this.lastAt = now;
    return text;
  }
}
