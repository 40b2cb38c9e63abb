import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installFastConvGradients } from './fast-conv-grad';
import { errorMessage } from '@shared/errors';

/** Backends in the order we want them: GPU, native CPU, WebAssembly, plain JavaScript. */
export const BACKEND_PREFERENCE = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_PREFERENCE)[number];

export interface BackendAttempt {
  backend: BackendChoice;
  ok: boolean;
  /** Why it was not used, when it was not. */
  reason?: string;
}

export interface BackendReport {
  /** The backend now running every TensorFlow.js op. */
  backend: BackendChoice;
  /** The tf.js backend name (tfjs-node registers 'tensorflow' for both CPU and GPU builds). */
  tfBackend: string;
  attempts: BackendAttempt[];
}

export interface BackendOptions {
  /** Restrict or reorder the candidates (for tests and the `--backend` flag). */
  candidates?: readonly BackendChoice[];
  /** Folder holding tfjs-backend-wasm's .wasm files, when bundling moved them. */
  wasmDir?: string;
  /** Loads a native package; injectable so tests can simulate it being absent. */
  loadNative?: (packageName: string) => Promise<unknown>;
}

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let active: BackendReport | undefined;

function describe(error: unknown): string {
  const message = errorMessage(error);
  return message.split('\n')[0].slice(0, 300);
}

async function defaultLoadNative(packageName: string): Promise<unknown> {
  // A computed specifier keeps bundlers from trying to resolve an optional package.
  return import(/* @vite-ignore */ packageName);
}

async function tryBackend(choice: BackendChoice, options: BackendOptions): Promise<void> {
  if (choice === 'tensorflow-gpu' || choice === 'tensorflow') {
    await (options.loadNative ?? defaultLoadNative)(NATIVE_PACKAGES[choice]);
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
    return;
  }
  if (choice === 'wasm') {
    // Multi-threaded wasm needs cross-origin isolation in browsers and does not start in Node;
    // we use worker_threads for parallelism instead.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (options.wasmDir) setWasmPaths(options.wasmDir.endsWith('/') ? options.wasmDir : `${options.wasmDir}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    installFastConvGradients();
    return;
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
}

/** Tries the candidates in order and switches tf.js to the first that starts. */
export async function selectBackend(options: BackendOptions = {}): Promise<BackendReport> {
  const attempts: BackendAttempt[] = [];
  for (const choice of options.candidates ?? BACKEND_PREFERENCE) {
    try {
      await tryBackend(choice, options);
      await tf.ready();
      attempts.push({ backend: choice, ok: true });
      return { backend: choice, tfBackend: tf.getBackend(), attempts };
    } catch (error) {
      attempts.push({ backend: choice, ok: false, reason: describe(error) });
    }
  }
  throw new Error(
    `No TensorFlow.js backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`,
  );
}

/**
 * Picks the fastest TensorFlow.js backend that loads here and says why the faster ones did not.
 * Once per thread: later calls return the first report.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  active ??= await selectBackend(options);
  return active;
}

export function activeBackend(): BackendReport | undefined {
  return active;
}

export function formatBackendReport(report: BackendReport): string {
  const skipped = report.attempts.filter((a) => !a.ok).map((a) => `${a.backend} unavailable (${a.reason})`);
  return [`TensorFlow.js backend: ${report.backend}`, ...skipped].join('\n  ');
}

export { tf };
