import type { MlStatus } from '@shared/api';
import {
  isHostEvent,
  type HostEvent,
  type HostMessage,
  type HostMethod,
  type HostMethods,
  type HostRequest,
  type LoadedModelInfo,
} from './protocol';
import { errorMessage } from '@shared/errors';

/** A running ML host, whatever runs it: an Electron utility process or a worker thread. */
export interface HostChannel {
  send(request: HostRequest): void;
  /** Listens to the host's messages; returns the function that stops listening. */
  onMessage(listener: (message: HostMessage) => void): () => void;
  /** Listens for the host's exit; returns the function that stops listening. */
  onExit(listener: (code: number) => void): () => void;
  kill(): void;
}

export interface MlHostClientOptions {
  spawn: () => HostChannel;
  modelDir: string;
  /** A faster model for frames of more faces than the active model serves at the camera's rate (see CrowdModel). */
  crowdModelDir?: string;
  /** From how many faces on the crowd model takes over, instead of measuring it (tests). */
  crowdAboveFaces?: number;
  onStatus?: (status: MlStatus) => void;
  /** Wait before a restart, so a host that dies at once does not spin. */
  restartDelayMs?: number;
  /** Restarts allowed within `restartWindowMs` before giving up. */
  maxRestarts?: number;
  restartWindowMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The main process's side of the ML host: request/response over the channel, and supervision.
 * If the host stops unexpectedly, calls in flight fail with a clear error, the host is started
 * again with the same model, and the status says so.
 */
export class MlHostClient {
  private channel: HostChannel | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private recentRestarts: number[] = [];
  private disposed = false;
  private current: MlStatus = { state: 'starting', restarts: 0 };
  private eventListeners: ((event: HostEvent) => void)[] = [];
  /** Unsubscribes from the current channel's messages and exit. */
  private stopListening: (() => void)[] = [];
  private statusWaiters: (() => void)[] = [];

  /** The active model's folder: loaded again after a restart. */
  private modelDir: string;

  constructor(private readonly options: MlHostClientOptions) {
    this.modelDir = options.modelDir;
  }

  get status(): MlStatus {
    return this.current;
  }

  /** Starts the host and loads the model; resolves when it is ready (or has failed). */
  async start(): Promise<MlStatus> {
    await this.launch();
    return this.current;
  }

  /** `live`: a camera frame, which a crowd model may classify when it holds many faces. */
  async classify(faces: Float32Array, { live = false } = {}): Promise<HostMethods['classify']['result']> {
    if (this.current.state !== 'ready') {
      throw new Error(
        this.current.state === 'failed'
          ? `The classifier is unavailable: ${this.current.message}`
          : 'The classifier is starting',
      );
    }
    return this.call('classify', { faces, live });
  }

  /**
   * Makes the model in `modelDir` the active one, without a restart. The host keeps the old model
   * if the new one does not load, and the error says why.
   */
  async useModel(modelDir: string): Promise<MlStatus> {
    const info = await this.call('load', { modelDir, ...this.crowdOptions() });
    this.modelDir = modelDir;
    this.ready(info);
    return this.current;
  }

  /** Calls the host for the training wizard (see HostMethods); fails if the host is not running. */
  async request<M extends Exclude<HostMethod, 'load' | 'classify'>>(
    method: M,
    params: HostMethods[M]['params'],
  ): Promise<HostMethods[M]['result']> {
    // While the host (re)starts, wait for it rather than fail: a queued run may start right after a crash.
    while (!this.disposed && (this.current.state === 'starting' || this.current.state === 'restarting')) {
      await new Promise<void>((resolve) => this.statusWaiters.push(resolve));
    }
    if (!this.channel) throw new Error(`The ML process is not running: ${this.current.message ?? 'it stopped'}`);
    return this.call(method, params);
  }

  /** Listens to what the host reports unasked (training progress). */
  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.push(listener);
    return () => {
      this.eventListeners = this.eventListeners.filter((other) => other !== listener);
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const resolve of this.statusWaiters.splice(0)) resolve();
    this.stopListening.splice(0).forEach((stop) => stop());
    this.eventListeners = [];
    this.channel?.kill();
    this.channel = undefined;
    this.failPending(new Error('The app is closing'));
  }

  private crowdOptions(): { crowdModelDir?: string; crowdAboveFaces?: number } {
    const { crowdModelDir, crowdAboveFaces } = this.options;
    return { crowdModelDir, crowdAboveFaces };
  }

  /** A model is loaded: the status names it (a field it lacks, such as its neutral reference, is cleared). */
  private ready(info: LoadedModelInfo): void {
    this.update({
      state: 'ready',
      backend: info.backend,
      model: info.model,
      neutralReference: info.neutralReference,
      crowd: info.crowd,
      message: undefined,
    });
  }

  private update(change: Partial<MlStatus>): void {
    this.current = { ...this.current, ...change };
    this.options.onStatus?.(this.current);
    for (const resolve of this.statusWaiters.splice(0)) resolve();
  }

  private call<M extends HostMethod>(method: M, params: HostMethods[M]['params']): Promise<HostMethods[M]['result']> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new Error('The ML process is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      channel.send({ id, method, params } as HostRequest);
    });
  }

  private failPending(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private async launch(): Promise<void> {
    const channel = this.options.spawn();
    this.channel = channel;
    this.stopListening.forEach((stop) => stop()); // to the channel before, which has exited
    this.stopListening = [];
    const onMessage = channel.onMessage((response) => {
      if (isHostEvent(response)) {
        for (const listener of this.eventListeners) listener(response);
        return;
      }
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      if (response.ok) waiting.resolve(response.value);
      else waiting.reject(new Error(response.error));
    });
    this.stopListening.push(
      onMessage,
      channel.onExit((code) => this.onExit(channel, code)),
    );
    try {
      const info = await this.call('load', { modelDir: this.modelDir, ...this.crowdOptions() });
      this.ready(info);
    } catch (error) {
      if (this.channel !== channel) return; // it exited; onExit has taken over
      this.update({ state: 'failed', message: `The model could not be loaded: ${errorMessage(error)}` });
    }
  }

  private onExit(channel: HostChannel, code: number): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    if (this.disposed) return;
    this.failPending(new Error(`The ML process stopped unexpectedly (exit code ${code})`));
    const now = Date.now();
    const window = this.options.restartWindowMs ?? 60_000;
    this.recentRestarts = this.recentRestarts.filter((at) => now - at < window);
    if (this.recentRestarts.length >= (this.options.maxRestarts ?? 3)) {
      this.update({
        state: 'failed',
        message: `The ML process stopped ${this.recentRestarts.length + 1} times within ${Math.round(window / 1000)} s; classification is off until the app restarts`,
      });
      return;
    }
    this.recentRestarts.push(now);
    this.update({
      state: 'restarting',
      restarts: this.current.restarts + 1,
      message: `The ML process stopped unexpectedly (exit code ${code}) and is being restarted`,
    });
    setTimeout(() => {
      if (!this.disposed) void this.launch();
    }, this.options.restartDelayMs ?? 500);
  }
}
