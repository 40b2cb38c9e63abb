import { describe, expect, it } from 'vitest';
import { describeCameraError } from './camera';

describe('describeCameraError', () => {
  it.each([
    ['NotAllowedError', /access was denied.*system settings/],
    ['SecurityError', /access was denied/],
    ['NotFoundError', /No camera was found/],
    ['OverconstrainedError', /No camera was found/],
    ['NotReadableError', /another app may be using it/],
    ['AbortError', /another app may be using it/],
  ])('says what to do about %s', (name, message) => {
    expect(describeCameraError(new DOMException('raw browser text', name))).toMatch(message);
  });

  it('keeps the browser message for anything else', () => {
    expect(describeCameraError(new Error('something odd'))).toMatch(/could not be started \(something odd\)/);
  });
});
