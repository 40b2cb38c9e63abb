/**
 * Classifies one share of the faces being evaluated, with its own runtime and copy of the model:
 * wasm runs one thread per runtime, so a second core needs a second runtime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuseForInference } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel, type TestTimeViews } from '../models/model-io';
import { initBackend, type BackendChoice } from '../runtime/backend';

export interface PredictJob extends TestTimeViews {
  modelDir: string;
  faces: Uint8Array | Float32Array;
  blurSigma?: number;
  backend: BackendChoice;
}

const job = workerData as PredictJob;
await initBackend({ candidates: [job.backend] });
const { model } = await loadModel(job.modelDir);
const predictor = fuseForInference(model) ?? model;
const probabilities = await predictProbabilities(predictor, job.faces, {
  testTimeFlip: job.testTimeFlip,
  testTimeShifts: job.testTimeShifts,
  blurSigma: job.blurSigma,
});
parentPort!.postMessage(probabilities, [probabilities.buffer]);
