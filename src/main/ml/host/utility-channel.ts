import type { HostChannel } from './client';
import type { HostMessage, HostRequest } from './protocol';

/** The part of Electron's UtilityProcess the channel uses (a fake one in tests). */
export interface UtilityChild {
  postMessage(message: HostRequest): void;
  on(event: 'message', listener: (message: HostMessage) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
  off(event: 'message', listener: (message: HostMessage) => void): unknown;
  off(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityForkOptions {
  serviceName: string;
  /** macOS: a signed app with the hardened runtime may still load tfjs-node's unsigned libtensorflow. */
  allowLoadingUnsignedLibraries?: boolean;
}

/**
 * Runs the ML host in an Electron utility process (`fork` is utilityProcess.fork; injected so this
 * runs under Node tests without Electron). A fatal error in the child is logged: it is followed by
 * 'exit', on which the client restarts the host, and with no 'error' listener Electron would show
 * an error box from the main process instead.
 */
export function spawnUtilityHost(
  fork: (modulePath: string, args: string[], options: UtilityForkOptions) => UtilityChild,
  modulePath: string,
  options: { platform?: NodeJS.Platform; onError?: (message: string) => void } = {},
): HostChannel {
  const child = fork(modulePath, [], {
    serviceName: 'Emotion Monitor ML',
    ...((options.platform ?? process.platform) === 'darwin' && { allowLoadingUnsignedLibraries: true }),
  });
  child.on('error', (type, location) => options.onError?.(`The ML process failed (${type} at ${location})`));
  return {
    send: (request) => child.postMessage(request),
    onMessage: (listener) => {
      const forward = (message: HostMessage) => listener(message);
      child.on('message', forward);
      return () => void child.off('message', forward);
    },
    onExit: (listener) => {
      child.on('exit', listener);
      return () => void child.off('exit', listener);
    },
    kill: () => void child.kill(),
  };
}
