import * as tf from '@tensorflow/tfjs';
import { FACE_PIXELS } from '@shared/emotions';
import { fuseForInference, type Predictor } from '../models/fused-inference';
import { predictProbabilities } from '../models/inference';
import { loadModel, temperatureFor, type LoadedModel } from '../models/model-io';
import { applyTemperature } from '../evaluation/calibration';
import { initBackend } from '../runtime/backend';
import type { ClassifiedFaces, HostEvent, HostMemory, HostRequest, HostResponse, LoadedModelInfo } from './protocol';
import { TrainingJobs } from './training-jobs';
import { errorMessage } from '@shared/errors';

/**
 * The ML host's request handler: loads a model and classifies faces with it. Transport-free, so
 * the Electron utility process and the Node worker thread (tests) run the same code.
 */
export function createMlHost(emit: (event: HostEvent) => void): (request: HostRequest) => Promise<HostResponse> {
  const training = new TrainingJobs(emit);
  let active: { loaded: LoadedModel; predictor: Predictor & { dispose(): void } } | undefined;

  async function load(modelDir: string): Promise<LoadedModelInfo> {
    const report = await initBackend();
    const loaded = await loadModel(modelDir);
    const predictor = fuseForInference(loaded.model) ?? loaded.model;
    // Warm up: the first prediction compiles kernels and allocates.
    await predictProbabilities(predictor, new Float32Array(FACE_PIXELS));
    if (active) {
      if (active.predictor !== active.loaded.model) active.predictor.dispose();
      active.loaded.model.dispose();
    }
    active = { loaded, predictor };
    const { name, input, neutralReference } = loaded.metadata;
    return {
      model: name,
      backend: report.backend,
      blurSigma: input.blurSigma ?? 0,
      ...(neutralReference ? { neutralReference: neutralReference.distribution } : {}),
    };
  }

  async function classify(faces: Float32Array): Promise<ClassifiedFaces> {
    if (!active) throw new Error('No model is loaded');
    const started = performance.now();
    // No mirrored second pass here: it doubles the latency for a small gain on single frames,
    // and the live view smooths over frames anyway.
    const { metadata } = active.loaded;
    const raw = await predictProbabilities(active.predictor, faces, {
      blurSigma: metadata.input.blurSigma,
      batchSize: faces.length / FACE_PIXELS,
    });
    // What the overlay shows and the recorder stores: the model's calibrated probabilities.
    const probabilities = applyTemperature(raw, temperatureFor(metadata, { testTimeFlip: false }));
    return { probabilities, inferenceMs: performance.now() - started };
  }

  return async (request) => {
    try {
      switch (request.method) {
        case 'load':
          return { id: request.id, ok: true, value: await load(request.params.modelDir) };
        case 'classify':
          return { id: request.id, ok: true, value: await classify(request.params.faces) };
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
