/**
 * One app instance at a time. A second launch would open the same sessions database and start the
 * training queue again, so two processes could train the same queued run and both write its model.
 * The decision is here, free of Electron, so it is tested as it is; index.ts wires it to `app`.
 */

export interface InstanceLock {
  /** Electron's app.requestSingleInstanceLock(): true for the first instance. */
  request(): boolean;
  /** Electron's app.on('second-instance'): a later launch handed over to this one. */
  onSecondLaunch(listener: () => void): void;
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * Takes the lock: true when this is the only instance, which then shows its window whenever the
 * user launches the app again; false for a later launch, which must exit without touching anything.
 */
export function claimSingleInstance(lock: InstanceLock, showApp: () => void): boolean {
  if (!lock.request()) return false;
  lock.onSecondLaunch(showApp);
  return true;
}

/** Brings the app's window to the front (restored if minimised); false when there is none to show. */
export function bringToFront(window: FocusableWindow | undefined): boolean {
  if (!window || window.isDestroyed()) return false;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return true;
}
