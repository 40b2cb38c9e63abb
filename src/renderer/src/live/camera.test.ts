import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeCameraError, openCamera } from './camera';

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

describe('openCamera', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the chosen frame size, and for the default camera when the remembered one is gone', async () => {
    const asked: MediaStreamConstraints[] = [];
    const stream = {} as MediaStream;
    vi.stubGlobal('navigator', {
      mediaDevices: {
        getUserMedia: async (constraints: MediaStreamConstraints) => {
          asked.push(constraints);
          const video = constraints.video as MediaTrackConstraints;
          if (video.deviceId) throw new DOMException('gone', 'NotFoundError');
          return stream;
        },
      },
    });
    await expect(openCamera('unplugged', '1280x720')).resolves.toBe(stream);
    expect(asked.map((c) => c.video)).toEqual([
      { deviceId: { exact: 'unplugged' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      { width: { ideal: 1280 }, height: { ideal: 720 } },
    ]);
    await openCamera(undefined);
    expect(asked.at(-1)?.video).toEqual({ width: { ideal: 640 }, height: { ideal: 480 } });
  });
});
