import type { Database } from './database';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** App settings kept with the data they refer to (the settings table): one typed accessor a key. */
export class Settings {
  constructor(private readonly db: Database) {}

  /** The model id the user made live, if any (the model service falls back to the bundled default). */
  activeModel(): string | undefined {
    return this.get('activeModel');
  }

  setActiveModel(id: string): void {
    this.set('activeModel', id);
  }

  /** Where the window was when the app last closed; undefined when unknown or unreadable. */
  windowBounds(): WindowBounds | undefined {
    try {
      const value = JSON.parse(this.get('windowBounds') ?? 'null') as Partial<WindowBounds> | null;
      const numbers = ['x', 'y', 'width', 'height'] as const;
      if (!value || !numbers.every((key) => Number.isFinite(value[key]))) return undefined;
      return {
        x: value.x!,
        y: value.y!,
        width: value.width!,
        height: value.height!,
        maximized: value.maximized === true,
      };
    } catch {
      return undefined;
    }
  }

  setWindowBounds(bounds: WindowBounds): void {
    this.set('windowBounds', JSON.stringify(bounds));
  }

  /** Forgets the window's place: the next start opens it at its default size. */
  clearWindowBounds(): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run('windowBounds');
  }

  private get(key: string): string | undefined {
    return (
      (this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined
    );
  }

  private set(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }
}
