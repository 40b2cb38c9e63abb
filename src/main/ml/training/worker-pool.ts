import type { Worker } from 'node:worker_threads';
import { nextMessage, siblingModule, spawnWorker } from '../runtime/spawn-worker';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

/**
 * The training replicas: one worker thread each. A disposable: `close` ends every thread, and
 * whoever starts a pool closes it on every path (trainModel does so in a `finally`).
 */
export class WorkerPool {
  private constructor(readonly workers: Worker[]) {}

  static async start(
    inits: WorkerInit[],
  ): Promise<{ pool: WorkerPool; ready: Extract<FromWorker, { type: 'ready' }> }> {
    const workers = inits.map((init) =>
      spawnWorker(siblingModule(import.meta.url, 'train-worker'), { workerData: init }),
    );
    const pool = new WorkerPool(workers);
    try {
      const replies = await Promise.all(workers.map((w) => pool.receive(w)));
      return { pool, ready: replies[0] as Extract<FromWorker, { type: 'ready' }> };
    } catch (error) {
      await pool.close(); // a replica that could not start must not leave the others running
      throw error;
    }
  }

  async receive(worker: Worker): Promise<FromWorker> {
    const message = await nextMessage<FromWorker>(worker);
    if (message.type === 'error') throw new Error(`training worker: ${message.message}`);
    return message;
  }

  post(worker: Worker, message: ToWorker, transfer: ArrayBuffer[] = []): void {
    worker.postMessage(message, transfer);
  }

  /** Ends every replica; calling it again does nothing. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
