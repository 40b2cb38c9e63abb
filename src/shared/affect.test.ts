import { describe, expect, it } from 'vitest';
import { arousal, valence } from './affect';
import { EMOTIONS } from './emotions';

const only = (emotion: string) => EMOTIONS.map((e) => (e === emotion ? 1 : 0));

describe('valence and arousal', () => {
  it('valence is happy minus the strongest of angry, disgust, fear and sad', () => {
    expect(valence(only('happy'))).toBe(1);
    expect(valence(only('sad'))).toBe(-1);
    expect(valence(only('surprise'))).toBe(0);
    expect(valence(only('neutral'))).toBe(0);
    //                 angry disgust fear happy sad  surprise neutral
    expect(valence([0.1, 0.05, 0.2, 0.5, 0.05, 0.05, 0.05])).toBeCloseTo(0.3); // 0.5 - fear 0.2
    expect(valence([0.3, 0.0, 0.0, 0.1, 0.25, 0.05, 0.3])).toBeCloseTo(-0.2); // 0.1 - angry 0.3
  });

  it('arousal weighs each emotion by its place on the circumplex: surprise high, sad low, neutral zero', () => {
    expect(arousal(only('surprise'))).toBeCloseTo(0.67);
    expect(arousal(only('sad'))).toBeCloseTo(-0.27);
    expect(arousal(only('neutral'))).toBe(0);
    expect(arousal([0, 0, 0, 0.5, 0.5, 0, 0])).toBeCloseTo((0.51 - 0.27) / 2);
  });
});
