/** The ML host on a Node worker thread (tests and the end-to-end test bridge). */
import { parentPort } from 'node:worker_threads';
import { createMlHost } from './host';
import type { HostRequest } from './protocol';

const handle = createMlHost((event) => parentPort?.postMessage(event));
parentPort?.on('message', (request: HostRequest) => {
  void handle(request).then((response) => parentPort?.postMessage(response));
});
