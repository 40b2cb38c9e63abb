/** The ML host in the app: an Electron utility process, so TensorFlow.js never runs on the main thread. */
import { createMlHost } from './host';
import type { HostRequest } from './protocol';

const handle = createMlHost((event) => process.parentPort.postMessage(event));
process.parentPort.on('message', (event: { data: HostRequest }) => {
  void handle(event.data).then((response) => process.parentPort.postMessage(response));
});
