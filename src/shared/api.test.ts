import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLES_PER_FACE_PER_SECOND, MAX_SAMPLES_PER_FACE_PER_SECOND, sampleRateFrom } from './api';

describe('the sample rate a recording keeps', () => {
  it('is a whole number from 1 to the maximum, and the default for what is no number', () => {
    expect([sampleRateFrom(100), sampleRateFrom(0), sampleRateFrom(7.4), sampleRateFrom(Number.NaN)]).toEqual([
      MAX_SAMPLES_PER_FACE_PER_SECOND,
      1,
      7,
      DEFAULT_SAMPLES_PER_FACE_PER_SECOND,
    ]);
  });
});
