import { siblingModule, spawnWorker } from '../runtime/spawn-worker';
import type { HostChannel } from './client';
import type { HostMessage, HostRequest } from './protocol';

/** Runs the ML host on a Node worker thread: for tests, the command line and the e2e test bridge. */
export function spawnWorkerHost(): HostChannel {
  const worker = spawnWorker(siblingModule(import.meta.url, 'worker-entry'));
  return {
    send: (request: HostRequest) => worker.postMessage(request),
    onMessage: (listener: (message: HostMessage) => void) => {
      worker.on('message', listener);
      return () => void worker.off('message', listener);
    },
    onExit: (listener: (code: number) => void) => {
      worker.on('exit', listener);
      return () => void worker.off('exit', listener);
    },
    kill: () => void worker.terminate(),
  };
}
