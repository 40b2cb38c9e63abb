import { describe, expect, it } from 'vitest';
import type { MlStatus } from '../../shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '../../shared/emotions';
import { createApiHandlers, invokeHandler, isInvokeMethod } from './handlers';

function handlersWith(classified: Float32Array[]) {
  const status: MlStatus = { state: 'ready', restarts: 0, model: 'default', backend: 'wasm' };
  return createApiHandlers({
    appInfo: () => ({ name: 'emotion-monitor', version: '1.0.0', versions: {} }),
    ml: {
      status,
      classify: async (faces) => {
        classified.push(faces);
        return { probabilities: new Float32Array((faces.length / FACE_PIXELS) * NUM_CLASSES), inferenceMs: 1 };
      },
    },
  });
}

describe('API handlers', () => {
  it('classify a valid batch and name the model', async () => {
    const seen: Float32Array[] = [];
    const result = await invokeHandler(handlersWith(seen), 'classifyFaces', [
      { faces: new Float32Array(2 * FACE_PIXELS) },
    ]);
    expect(result).toMatchObject({ ok: true, value: { model: 'default' } });
    expect(result.ok && result.value.probabilities.length).toBe(2 * NUM_CLASSES);
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['nothing', [], /expects \{ faces: Float32Array \}/],
    ['null', [null], /expects \{ faces: Float32Array \}/],
    ['a plain array', [{ faces: [0.5, 0.5] }], /must be a Float32Array/],
    ['a wrong length', [{ faces: new Float32Array(FACE_PIXELS + 1) }], /got 2305 values/],
    ['no faces', [{ faces: new Float32Array(0) }], /1 to 8 crops/],
    ['too many faces', [{ faces: new Float32Array(9 * FACE_PIXELS) }], /1 to 8 crops/],
    ['values above 1', [{ faces: new Float32Array(FACE_PIXELS).fill(255) }], /faces\[0\] is 255, not in \[0, 1\]/],
    ['NaN', [{ faces: new Float32Array(FACE_PIXELS).fill(Number.NaN) }], /faces\[0\] is NaN/],
    ['extra arguments', [{ faces: new Float32Array(FACE_PIXELS) }, 'more'], /after its request/],
  ])('refuse %s with a clear error, without reaching the classifier', async (_name, args, message) => {
    const seen: Float32Array[] = [];
    const result = await invokeHandler(handlersWith(seen), 'classifyFaces', args);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
    expect(seen).toHaveLength(0);
  });

  it('refuse arguments to methods that take none, and know their own method names', async () => {
    const handlers = handlersWith([]);
    expect(await invokeHandler(handlers, 'getMlStatus', ['x'])).toEqual({
      ok: false,
      error: 'getMlStatus takes no arguments',
    });
    expect(await invokeHandler(handlers, 'getAppInfo', [])).toMatchObject({ ok: true, value: { version: '1.0.0' } });
    expect(isInvokeMethod(handlers, 'classifyFaces')).toBe(true);
    expect(isInvokeMethod(handlers, 'constructor')).toBe(false);
    expect(isInvokeMethod(handlers, '__proto__')).toBe(false);
  });
});
