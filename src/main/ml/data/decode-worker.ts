import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeFace, FACE_PIXELS } from './image';
import { errorMessage } from '@shared/errors';

export interface DecodeResult {
  faces: Uint8Array;
  /** One entry per path: null when decoded, else why not. */
  errors: (string | null)[];
}

/** What a decode worker posts: how far it is every PROGRESS_EVERY files, then its result. */
export type DecodeMessage = { type: 'progress'; done: number } | ({ type: 'done' } & DecodeResult);

const PROGRESS_EVERY = 500;

// Synchronous reads: this thread has nothing else to do, and tiny files read faster this way.
const paths = workerData as string[];
const faces = new Uint8Array(paths.length * FACE_PIXELS);
const errors = paths.map((file, i) => {
  if (i > 0 && i % PROGRESS_EVERY === 0) parentPort!.postMessage({ type: 'progress', done: i } satisfies DecodeMessage);
  try {
    faces.set(decodeFace(readFileSync(file)), i * FACE_PIXELS);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `cannot read file (${code})` : errorMessage(error);
  }
});
parentPort!.postMessage({ type: 'done', faces, errors } satisfies DecodeMessage, [faces.buffer]);
