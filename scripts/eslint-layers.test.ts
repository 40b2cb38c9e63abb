import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer rules of eslint.config.js, on a line of code placed in a file of each layer. */
const eslint = new ESLint();
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = [x];\n`, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('keep electron to the wiring files of main and to preload', async () => {
    const code = "import { app as x } from 'electron';";
    expect(await layerErrors('src/main/storage/new-file.ts', code)).toEqual([
      expect.stringMatching(/Only the Electron wiring/),
    ]);
    expect(await layerErrors('src/main/ml/host/new-file.ts', code)).toHaveLength(1);
    expect(await layerErrors('src/main/index.ts', code)).toEqual([]);
    expect(await layerErrors('src/main/dialogs.ts', code)).toEqual([]);
    expect(await layerErrors('src/preload/index.ts', code)).toEqual([]);
  });

  it('keep the renderer from main, Node and Electron', async () => {
    for (const code of [
      "import { SessionStore as x } from '../../../main/storage/session-store';",
      "import { readFile as x } from 'node:fs/promises';",
      "import x from 'path';",
      "import { ipcRenderer as x } from 'electron';",
    ]) {
      expect(await layerErrors('src/renderer/src/live/new-file.ts', code), code).toHaveLength(1);
    }
    expect(
      await layerErrors(
        'src/renderer/src/live/new-file.ts',
        "import { EMOTIONS as x } from '../../../shared/emotions';",
      ),
    ).toEqual([]);
  });

  it('keep shared to shared', async () => {
    for (const code of [
      "import { SessionStore as x } from '../main/storage/session-store';",
      "import x from 'node:path';",
      "import x from 'uplot';",
    ]) {
      expect(await layerErrors('src/shared/new-file.ts', code), code).toEqual([
        expect.stringMatching(/only src\/shared/),
      ]);
    }
    expect(await layerErrors('src/shared/new-file.ts', "import { EMOTIONS as x } from './emotions';")).toEqual([]);
  });

  it('keep main’s lower layers from reaching up: ML’s core from the ML process, its services and the CLI; storage from ML', async () => {
    for (const [file, code] of [
      ['src/main/ml/models/new-file.ts', "import { MlHostClient as x } from '../host/client';"],
      ['src/main/ml/training/new-file.ts', "import { TrainingService as x } from '../runs/training-service';"],
      ['src/main/ml/data/new-file.ts', "import { runCli as x } from '../../cli/run';"],
      ['src/main/ml/evaluation/new-file.ts', "import { Settings as x } from '../../storage/settings';"],
      ['src/main/storage/new-file.ts', "import { loadModel as x } from '../ml/models/model-io';"],
      ['src/main/storage/new-file.ts', "import { createApiHandlers as x } from '../api/handlers';"],
    ]) {
      expect(await layerErrors(file, code), `${code} in ${file}`).toHaveLength(1);
    }
    // Downward is fine: the ML process uses the core, a service uses storage, storage the CLI's plumbing.
    for (const [file, code] of [
      ['src/main/ml/host/new-file.ts', "import { loadModel as x } from '../models/model-io';"],
      ['src/main/ml/runs/new-file.ts', "import { RunStore as x } from '../../storage/run-store';"],
      ['src/main/storage/new-file.ts', "import { runCli as x } from '../cli/run';"],
    ]) {
      expect(await layerErrors(file, code), `${code} in ${file}`).toEqual([]);
    }
  });

  it('keep the views on the renderer’s one client of the contract', async () => {
    const [result] = await eslint.lintText('export const x = window.api.listSessions({});\n', {
      filePath: 'src/renderer/src/history/new-file.ts',
    });
    expect(result.messages.map((m) => m.ruleId)).toEqual(['no-restricted-properties']);
  });
});
