import { availableParallelism } from 'node:os';
import { FACE_PIXELS } from '../data/image';
import { fuseForInference } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import type { LoadedModel, TestTimeViews } from '../models/model-io';
import { activeBackend } from '../runtime/backend';
import { nextMessage, siblingModule, spawnWorker } from '../runtime/spawn-worker';
import { NUM_CLASSES } from '@shared/emotions';
import type { PredictJob } from './predict-worker';

/** Below this many faces per thread, starting a runtime costs more than the thread saves. */
const MIN_FACES_PER_THREAD = 500;

export interface ParallelPredictOptions extends TestTimeViews {
  blurSigma?: number;
  /** Threads to use on wasm (default: one per core); native backends use their own threads. */
  threads?: number;
}

/**
 * The raw class probabilities of a saved model for many faces, as the live path computes them
 * (batch norm folded into the convolutions where the model allows). On wasm, which runs one
 * thread per runtime, the faces are shared among worker threads, each loading `modelDir` itself.
 */
export async function predictSavedModel(
  modelDir: string,
  loaded: LoadedModel,
  faces: Uint8Array | Float32Array,
  options: ParallelPredictOptions,
): Promise<Float32Array<ArrayBuffer>> {
  const count = faces.length / FACE_PIXELS;
  const backend = activeBackend()?.backend;
  const threads = Math.min(options.threads ?? availableParallelism(), Math.floor(count / MIN_FACES_PER_THREAD));
  if (backend !== 'wasm' || threads < 2) {
    const fused = fuseForInference(loaded.model);
    try {
      return await predictProbabilities(fused ?? loaded.model, faces, options);
    } finally {
      fused?.dispose();
    }
  }
  const per = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, async (_, i) => {
      const share = faces.slice(i * per * FACE_PIXELS, Math.min(count, (i + 1) * per) * FACE_PIXELS);
      const job: PredictJob = {
        modelDir,
        faces: share,
        testTimeFlip: options.testTimeFlip,
        testTimeShifts: options.testTimeShifts,
        blurSigma: options.blurSigma,
        backend,
      };
      const worker = spawnWorker(siblingModule(import.meta.url, 'predict-worker'), {
        workerData: job,
        transferList: [share.buffer],
      });
      try {
        return await nextMessage<Float32Array>(worker);
      } finally {
        void worker.terminate();
      }
    }),
  );
  const probabilities = new Float32Array(count * NUM_CLASSES);
  parts.forEach((part, i) => probabilities.set(part, i * per * NUM_CLASSES));
  return probabilities;
}
