import { describe, expect, it } from 'vitest';
import { Announcer, describeFaces } from './announce';

describe('what the live view says to a screen reader', () => {
  it('names each face (by its name where it has one) and its top emotion, without the percentages', () => {
    expect(describeFaces([])).toBe('No face in view');
    expect(describeFaces([{ id: 3, top: { emotion: 'happy', confidence: 0.81 } }])).toBe('1 face: face 3 happy');
    expect(
      describeFaces(
        [
          { id: 1, top: { emotion: 'sad', confidence: 0.5 } },
          { id: 2, top: undefined },
        ],
        { 1: 'Participant A' },
      ),
    ).toBe('2 faces: Participant A sad, face 2 not yet classified');
  });

  it('speaks a change at most every few seconds, and never the same thing twice in a row', () => {
    let now = 0;
    const announcer = new Announcer(5000, () => now);
    expect(announcer.offer('1 face: face 1 happy')).toBe('1 face: face 1 happy');
    now = 1000;
    expect(announcer.offer('1 face: face 1 sad')).toBeUndefined(); // too soon
    now = 5000;
    expect(announcer.offer('1 face: face 1 sad')).toBe('1 face: face 1 sad');
    now = 20_000;
    expect(announcer.offer('1 face: face 1 sad')).toBeUndefined(); // nothing new
    expect(announcer.offer('No face in view')).toBe('No face in view');
  });
});
