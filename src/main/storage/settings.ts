import type { Database } from './database';

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
