import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildFaceDetectorModel, FACE_DETECTOR_SOURCE } from './build';
import {
  attachMetadata,
  buildImageModelMetadata,
  readAttachedMetadata,
  readInputNormalization,
} from './tflite-metadata';

const source = readFileSync(createRequire(import.meta.url).resolve(FACE_DETECTOR_SOURCE));

/** Every tensor buffer's alignment and bytes, in order: what the model computes with. */
function bufferContents(model: Uint8Array): string[] {
  const view = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const root = view.getUint32(0, true);
  const vtable = root - view.getInt32(root, true);
  const field = root + view.getUint16(vtable + 4 + 2 * 4, true);
  const vector = field + view.getUint32(field, true);
  const out: string[] = [];
  for (let i = 0; i < view.getUint32(vector, true); i++) {
    const at = vector + 4 + 4 * i;
    const table = at + view.getUint32(at, true);
    const tableVtable = table - view.getInt32(table, true);
    const dataField = view.getUint16(tableVtable, true) > 4 ? view.getUint16(tableVtable + 4, true) : 0;
    if (!dataField) {
      out.push('');
      continue;
    }
    const data = table + dataField + view.getUint32(table + dataField, true);
    const length = view.getUint32(data, true);
    // The alignment of the data within 16 bytes, and the data.
    out.push(`${(data + 4) % 16}:${Buffer.from(model.subarray(data + 4, data + 4 + length)).toString('base64')}`);
  }
  return out;
}

describe('face detector model metadata', () => {
  it('adds RGB input metadata normalising [0, 255] to [-1, 1], readable back from the model', () => {
    const built = buildFaceDetectorModel(source);
    const metadata = readAttachedMetadata(built);
    expect(metadata).toBeDefined();
    expect(readInputNormalization(metadata!)).toEqual({ mean: 127.5, std: 127.5, colorSpace: 1 });
    expect(readAttachedMetadata(source)).toBeUndefined();
  });

  it('keeps every original buffer byte for byte and as aligned, and adds one', () => {
    const before = bufferContents(source);
    const after = bufferContents(buildFaceDetectorModel(source));
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    const [alignment, added] = after.at(-1)!.split(':');
    expect(alignment).toBe('0');
    expect(Buffer.from(added, 'base64').subarray(4, 8).toString()).toBe('M001');
  });

  it('is reproducible', () => {
    expect(Buffer.from(buildFaceDetectorModel(source)).equals(Buffer.from(buildFaceDetectorModel(source)))).toBe(true);
  });

  it('refuses a file that is not a TFLite model, and a model that already has the metadata', () => {
    const metadata = buildImageModelMetadata({
      name: 'x',
      description: '',
      version: '1',
      author: '',
      license: '',
      inputName: 'image',
      mean: 0,
      std: 1,
    });
    expect(() => attachMetadata(new Uint8Array(64), metadata)).toThrow(/Not a TFLite model/);
    expect(() => attachMetadata(attachMetadata(source, metadata), metadata)).toThrow(/already has/);
  });
});
