/**
 * At most one system dialog per window at a time: a second "Export…" click while a save dialog is
 * open would stack a second dialog over the first. Free of Electron so it is tested as it is.
 */
export class DialogGate<W extends object> {
  private readonly open = new WeakSet<W>();

  /** Shows a dialog for `owner` unless it already has one, in which case it refuses, saying so. */
  async show<T>(owner: W, dialog: () => Promise<T>): Promise<T> {
    if (this.open.has(owner)) throw new Error('A dialog is already open: finish it first');
    this.open.add(owner);
    try {
      return await dialog();
    } finally {
      this.open.delete(owner);
    }
  }
}
