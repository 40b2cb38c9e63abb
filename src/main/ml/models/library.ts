import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ModelEntry } from '@shared/models';
import { errorMessage } from '@shared/errors';
import {
  checkModelFolder,
  METADATA_FILE,
  MODEL_FILE,
  ModelLoadError,
  readMetadata,
  WEIGHTS_FILE,
  writeMetadata,
} from './model-folder';

const BUNDLED = 'bundled:';
const USER = 'user:';

/**
 * Every model the app knows: the bundled ones (read-only, in resources/models) and the user's
 * (in their own folder). A model is a folder (model.json, weights.bin, metadata.json); imports are
 * checked file by file and refused with the reason. No TensorFlow.js here: the ML process loads models.
 */
export class ModelLibrary {
  constructor(
    private readonly bundledDir: string,
    private readonly userDir: string,
  ) {}

  async list(): Promise<ModelEntry[]> {
    const entries = [...(await this.scan(this.bundledDir, BUNDLED)), ...(await this.scan(this.userDir, USER))];
    return entries.sort((a, b) => Number(b.bundled) - Number(a.bundled) || a.name.localeCompare(b.name));
  }

  /** The folder of a model, checked to be one the library lists. */
  async folder(id: string): Promise<string> {
    const dir = this.folderOf(id);
    await readMetadata(dir); // throws a ModelLoadError with the reason if it is not a model
    return dir;
  }

  /** Copies a model folder into the user's models after checking every file. */
  async import(source: string): Promise<ModelEntry> {
    const { metadata } = await checkModelFolder(source).catch((error: unknown) => {
      throw new ModelLoadError(`Could not import ${source}: ${errorMessage(error)}`);
    });
    await mkdir(this.userDir, { recursive: true });
    const taken = new Set(await readdir(this.userDir).catch(() => []));
    const base = slug(metadata.name) || 'model';
    let folder = base;
    for (let n = 2; taken.has(folder); n++) folder = `${base}-${n}`;
    const target = path.join(this.userDir, folder);
    await mkdir(target);
    await copyModelFiles(source, target);
    return this.entry(target, `${USER}${folder}`);
  }

  /** Copies a model's folder into `destination` (to share it); returns the new folder. */
  async export(id: string, destination: string): Promise<string> {
    const dir = await this.folder(id);
    const { name } = await readMetadata(dir);
    const target = path.join(destination, slug(name) || 'model');
    await mkdir(target, { recursive: true });
    await copyModelFiles(dir, target);
    return target;
  }

  async rename(id: string, name: string): Promise<ModelEntry> {
    const dir = this.userFolder(id, 'renamed');
    if (!name.trim()) throw new Error('A model needs a name');
    const metadata = await readMetadata(dir);
    await writeMetadata(dir, { ...metadata, name: name.trim() });
    return this.entry(dir, id);
  }

  async remove(id: string): Promise<void> {
    const dir = this.userFolder(id, 'deleted');
    await readMetadata(dir);
    await rm(dir, { recursive: true, force: true });
  }

  private userFolder(id: string, action: string): string {
    if (id.startsWith(BUNDLED)) throw new Error(`Bundled models cannot be ${action}`);
    return this.folderOf(id);
  }

  /** The folder an id names (whether or not a model is there). */
  folderOf(id: string): string {
    const [root, name] = id.startsWith(BUNDLED)
      ? [this.bundledDir, id.slice(BUNDLED.length)]
      : id.startsWith(USER)
        ? [this.userDir, id.slice(USER.length)]
        : [undefined, ''];
    // One folder name, nothing that climbs out of the library.
    if (!root || !name || name !== path.basename(name) || name.startsWith('.')) throw new Error(`Unknown model ${id}`);
    return path.join(root, name);
  }

  private async scan(root: string, prefix: string): Promise<ModelEntry[]> {
    const names = await readdir(root, { withFileTypes: true }).catch(() => []);
    const entries = await Promise.all(
      names
        .filter((d) => d.isDirectory())
        .map((d) => this.entry(path.join(root, d.name), `${prefix}${d.name}`).catch(() => undefined)),
    );
    return entries.filter((entry) => entry !== undefined);
  }

  private async entry(dir: string, id: string): Promise<ModelEntry> {
    const metadata = await readMetadata(dir);
    return {
      id,
      name: metadata.name,
      architecture: metadata.architecture,
      bundled: id.startsWith(BUNDLED),
      dataset: metadata.dataset?.source ?? 'unknown',
      createdAt: metadata.createdAt,
      epochs: metadata.epochsTrained,
      keptEpoch: metadata.keptEpoch === metadata.epochsTrained ? undefined : metadata.keptEpoch,
      accuracy: metadata.evaluation?.accuracy,
      macroF1: metadata.evaluation?.macroF1,
      evaluatedOn: metadata.evaluation && {
        split: metadata.evaluation.split,
        images: metadata.evaluation.images,
        testTimeFlip: metadata.evaluation.testTimeFlip,
        testTimeShifts: metadata.evaluation.testTimeShifts,
      },
      ece: metadata.evaluation?.ece,
    };
  }
}

/** Copies the three files of a model folder, and nothing else that may lie beside them. */
async function copyModelFiles(from: string, to: string): Promise<void> {
  for (const file of [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE]) await cp(path.join(from, file), path.join(to, file));
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
