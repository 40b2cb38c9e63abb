import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { spawnUtilityHost, type UtilityChild, type UtilityForkOptions } from './utility-channel';

/** Stands in for Electron's UtilityProcess: an EventEmitter, which throws on an 'error' nobody listens to. */
class FakeChild extends EventEmitter {
  posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.emit('exit', 0);
    return true;
  }
}

function forked(platform: NodeJS.Platform, errors: string[] = []) {
  const child = new FakeChild();
  let options: UtilityForkOptions | undefined;
  const channel = spawnUtilityHost(
    (_path, _args, given) => {
      options = given;
      return child as unknown as UtilityChild;
    },
    '/app/out/main/ml-host.js',
    { platform, onError: (message) => errors.push(message) },
  );
  return { child, channel, options: options! };
}

describe('the ML host in a utility process', () => {
  it('logs a fatal error of the child instead of letting it become a main-process error box, then reports its exit', () => {
    const errors: string[] = [];
    const { child, channel } = forked('linux', errors);
    const exits: number[] = [];
    channel.onExit((code) => exits.push(code));
    // An EventEmitter with no 'error' listener throws: that is the error box this prevents.
    expect(() => child.emit('error', 'FatalError', 'ml-host.js:1', '')).not.toThrow();
    expect(errors).toEqual(['The ML process failed (FatalError at ml-host.js:1)']);
    child.emit('exit', 1);
    expect(exits).toEqual([1]);
  });

  it('passes messages both ways and stops forwarding to a listener that left', () => {
    const { child, channel } = forked('linux');
    const seen: unknown[] = [];
    const stop = channel.onMessage((message) => seen.push(message));
    channel.send({ id: 1, method: 'memory', params: {} });
    expect(child.posted).toEqual([{ id: 1, method: 'memory', params: {} }]);
    child.emit('message', { id: 1, ok: true, value: 1 });
    stop();
    child.emit('message', { id: 2, ok: true, value: 2 });
    expect(seen).toEqual([{ id: 1, ok: true, value: 1 }]);
  });

  it('lets a signed macOS app load tfjs-node’s unsigned library, and asks nothing of the kind elsewhere', () => {
    expect(forked('darwin').options).toEqual({
      serviceName: 'Emotion Monitor ML',
      allowLoadingUnsignedLibraries: true,
    });
    expect(forked('win32').options).toEqual({ serviceName: 'Emotion Monitor ML' });
  });
});
