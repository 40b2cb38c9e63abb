import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FACE_PIXELS } from '@shared/emotions';
import { fuseForInference, type Predictor } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel, temperatureFor, type LoadedModel } from '../models/model-io';
import { applyTemperature } from '../evaluation/calibration';
import { initBackend } from '../runtime/backend';
import type {
  ClassifiedFaces,
  HostEvent,
  HostMemory,
  HostMethods,
  HostRequest,
  HostResponse,
  LoadedModelInfo,
} from './protocol';
import { TrainingJobs } from './training-jobs';
import { errorMessage } from '@shared/errors';

/**
 * The ML host's request handler: loads a model and classifies faces with it. Transport-free, so
 * the Electron utility process and the Node worker thread (tests) run the same code.
 */
export function createMlHost(emit: (event: HostEvent) => void): (request: HostRequest) => Promise<HostResponse> {
  const training = new TrainingJobs(emit);
  let active: Classifier | undefined;
  /** The faster model for frames of more than `aboveFaces` faces, when the active model is slower. */
  let crowd: { classifier: Classifier; aboveFaces: number } | undefined;

  async function load({
    modelDir,
    crowdModelDir,
    crowdAboveFaces,
  }: HostMethods['load']['params']): Promise<LoadedModelInfo> {
    const report = await initBackend();
    const next = await openClassifier(modelDir);
    let nextCrowd: typeof crowd;
    try {
      nextCrowd = crowdModelDir ? await crowdFor(next, crowdModelDir, crowdAboveFaces) : undefined;
    } catch {
      // A missing or broken fast model costs the crowd switch, not the live model.
      nextCrowd = undefined;
    }
    active?.dispose();
    crowd?.classifier.dispose();
    active = next;
    crowd = nextCrowd;
    const { name, input, neutralReference } = next.loaded.metadata;
    return {
      model: name,
      backend: report.backend,
      blurSigma: input.blurSigma ?? 0,
      ...(neutralReference ? { neutralReference: neutralReference.distribution } : {}),
      ...(crowd ? { crowd: { model: crowd.classifier.loaded.metadata.name, aboveFaces: crowd.aboveFaces } } : {}),
    };
  }

  async function classify(faces: Float32Array, live = false): Promise<ClassifiedFaces> {
    if (!active) throw new Error('No model is loaded');
    const started = performance.now();
    const count = faces.length / FACE_PIXELS;
    const chosen = live && crowd && count > crowd.aboveFaces ? crowd.classifier : active;
    // No mirrored second pass here: it doubles the latency for a small gain on single frames,
    // and the live view smooths over frames anyway.
    const { metadata } = chosen.loaded;
    const raw = await predictProbabilities(chosen.predictor, faces, {
      blurSigma: metadata.input.blurSigma,
      batchSize: count,
    });
    // What the overlay shows and the recorder stores: the model's calibrated probabilities.
    const probabilities = applyTemperature(raw, temperatureFor(metadata, { testTimeFlip: false }));
    return { probabilities, inferenceMs: performance.now() - started, model: metadata.name };
  }

  return async (request) => {
    try {
      switch (request.method) {
        case 'load':
          return {
            id: request.id,
            ok: true,
            value: await load(request.params),
          };
        case 'classify':
          return { id: request.id, ok: true, value: await classify(request.params.faces, request.params.live) };
        case 'inspectDataset':
          return { id: request.id, ok: true, value: await training.inspect(request.params) };
        case 'estimateTraining':
          return {
            id: request.id,
            ok: true,
            value: await training.estimate(request.params.config, request.params.backendCandidates),
          };
        case 'train':
          return { id: request.id, ok: true, value: await training.train(request.params) };
        case 'controlTraining':
          return {
            id: request.id,
            ok: true,
            value: await training.control(request.params.runId, request.params.action),
          };
        case 'memory':
          return { id: request.id, ok: true, value: hostMemory() };
        case 'evaluateModel': {
          const { modelDir, dataset, mistakes } = request.params;
          return { id: request.id, ok: true, value: await training.evaluate(modelDir, dataset, mistakes) };
        }
        default:
          throw new Error(`Unknown method ${(request as { method: unknown }).method}`);
      }
    } catch (error) {
      return { id: request.id, ok: false, error: errorMessage(error) };
    }
  };
}

/**
 * The share of a frame at the camera's 30 fps that classification may take: detection, cropping,
 * tracking and drawing need the rest.
 */
export const CLASSIFY_BUDGET_MS = 1000 / 30 / 2;

interface Classifier {
  dir: string;
  loaded: LoadedModel;
  predictor: Predictor;
  dispose(): void;
}

async function openClassifier(modelDir: string): Promise<Classifier> {
  const loaded = await loadModel(modelDir);
  const fused = fuseForInference(loaded.model);
  const predictor = fused ?? loaded.model;
  // Warm up: the first prediction compiles kernels and allocates.
  await predictProbabilities(predictor, new Float32Array(FACE_PIXELS));
  return {
    dir: path.resolve(modelDir),
    loaded,
    predictor,
    dispose: () => {
      fused?.dispose();
      loaded.model.dispose();
    },
  };
}

/** Milliseconds per face in a batch of `faces`, the median of a few timed calls. */
async function msPerFace(classifier: Classifier, faces: number): Promise<number> {
  const batch = new Float32Array(faces * FACE_PIXELS).fill(0.5);
  await predictProbabilities(classifier.predictor, batch, { batchSize: faces });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await predictProbabilities(classifier.predictor, batch, { batchSize: faces });
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2] / faces;
}

/**
 * The crowd model for `active`: how many faces the active model classifies within CLASSIFY_BUDGET_MS,
 * measured here on this machine, and the faster model for frames of more. None when the crowd
 * model is no faster (or is the active model itself).
 */
async function crowdFor(
  active: Classifier,
  crowdModelDir: string,
  aboveFaces?: number,
): Promise<{ classifier: Classifier; aboveFaces: number } | undefined> {
  if (path.resolve(crowdModelDir) === active.dir) return undefined;
  const classifier = await openClassifier(crowdModelDir);
  if (aboveFaces !== undefined) return { classifier, aboveFaces };
  const [activeMs, crowdMs] = [await msPerFace(active, 8), await msPerFace(classifier, 8)];
  // Not worth a second model unless it is clearly faster (a user's own fast model may be the active one).
  if (crowdMs >= activeMs * 0.8) {
    classifier.dispose();
    return undefined;
  }
  return { classifier, aboveFaces: Math.max(1, Math.floor(CLASSIFY_BUDGET_MS / activeMs)) };
}

function hostMemory(): HostMemory {
  // Under `node --expose-gc` (the soak benchmark) measure the heap after a collection, not its garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const { numTensors, numBytes } = tf.memory();
  // The wasm backend keeps its Emscripten module on `wasm`; its heap is a view of the linear memory.
  const wasm = (tf.findBackend('wasm') as { wasm?: { HEAPU8?: Uint8Array } } | null)?.wasm;
  return {
    tensors: numTensors,
    tensorBytes: numBytes,
    heapUsedBytes: process.memoryUsage().heapUsed,
    wasmHeapBytes: wasm?.HEAPU8?.byteLength ?? 0,
  };
}
