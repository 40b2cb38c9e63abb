import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export function temporaryDir(prefix = 'emotion-monitor-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}
