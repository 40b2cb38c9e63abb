import { errorMessage } from '@shared/errors';
import type { Logger } from './log';

export interface Disposable {
  dispose(): void;
}

/**
 * What main made, disposed at quit in the reverse order of making it: what was made last may use
 * what came before (training uses the ML host, which uses nothing of it; the stores use the
 * database), so it goes first. One failing dispose does not keep the others from running.
 */
export class DisposableStore implements Disposable {
  private readonly items: { name: string; item: Disposable }[] = [];
  private disposed = false;

  /** Keeps `item` to dispose at the end; returns it, so making and keeping are one line. */
  add<T extends Disposable>(name: string, item: T): T {
    if (this.disposed) throw new Error(`${name} was made after the app's services were disposed`);
    this.items.push({ name, item });
    return item;
  }

  /** Disposes everything once, newest first; returns the names in the order they were disposed. */
  dispose(log?: Pick<Logger, 'error'>): string[] {
    if (this.disposed) return [];
    this.disposed = true;
    const order: string[] = [];
    for (const { name, item } of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (error) {
        log?.error(`Disposing ${name} failed: ${errorMessage(error)}`, error);
      }
      order.push(name);
    }
    return order;
  }
}
