import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module at `moduleUrl`. Built code (the app) passes a .js
 * module and runs it as is. From source (tests, the command line) the module is TypeScript:
 * Node 20 does not apply the parent's tsx loader to a worker's entry point, so a small
 * bootstrap registers tsx inside the worker before importing the module.
 */
export function spawnWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  const worker = moduleUrl.pathname.endsWith('.ts')
    ? new Worker(bootstrap, { ...options, eval: true })
    : new Worker(moduleUrl, options);
  running++;
  worker.once('exit', () => running--);
  return worker;
}

let running = 0;
/** Worker threads started here that have not exited yet: a test's way to see that none were left behind. */
export function runningWorkers(): number {
  return running;
}

/** The URL of a sibling module, with the caller's own extension (.ts from source, .js when built). */
export function siblingModule(callerUrl: string, baseName: string): URL {
  const extension = callerUrl.slice(callerUrl.lastIndexOf('.'));
  return new URL(`./${baseName}${extension}`, callerUrl);
}

/** Resolves with the worker's next message, rejects on its error or early exit. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: T) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
