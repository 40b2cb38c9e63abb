import { MAX_FACES_PER_CALL, type ClassifyRequest } from '../../shared/api';
import { FACE_PIXELS } from '../../shared/emotions';

/** A payload from the renderer that does not match the contract. */
export class InvalidPayloadError extends Error {}

/** Checks a classifyFaces payload: 1..MAX_FACES_PER_CALL crops of FACE_PIXELS finite values in [0, 1]. */
export function parseClassifyRequest(payload: unknown): ClassifyRequest {
  if (typeof payload !== 'object' || payload === null || !('faces' in payload)) {
    throw new InvalidPayloadError('classifyFaces expects { faces: Float32Array }');
  }
  const { faces } = payload;
  if (!(faces instanceof Float32Array)) throw new InvalidPayloadError('faces must be a Float32Array');
  const count = faces.length / FACE_PIXELS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FACES_PER_CALL) {
    throw new InvalidPayloadError(
      `faces must hold 1 to ${MAX_FACES_PER_CALL} crops of ${FACE_PIXELS} values; got ${faces.length} values`,
    );
  }
  for (let i = 0; i < faces.length; i++) {
    // Also rejects NaN, which fails every comparison.
    if (!(faces[i] >= 0 && faces[i] <= 1)) throw new InvalidPayloadError(`faces[${i}] is ${faces[i]}, not in [0, 1]`);
  }
  return { faces };
}

/** Methods that take no argument must be called without one. */
export function expectNoPayload(method: string, args: unknown[]): void {
  if (args.length > 0 && args.some((arg) => arg !== undefined)) {
    throw new InvalidPayloadError(`${method} takes no arguments`);
  }
}
