/**
 * TFLite model metadata for an image model, and attaching it to a .tflite file.
 *
 * MediaPipe Tasks refuses a float-input model without NormalizationOptions in its metadata. The
 * legacy BlazeFace model in @mediapipe/face_detection has none, so the build adds it: a
 * ModelMetadata flatbuffer (tflite-support's metadata_schema.fbs, identifier "M001") stored in a new
 * model buffer and named "TFLITE_METADATA" in Model.metadata (tensorflow/lite/schema.fbs).
 */
import { Builder, ByteBuffer } from 'flatbuffers';

export const METADATA_NAME = 'TFLITE_METADATA';
const METADATA_IDENTIFIER = 'M001';
const MODEL_IDENTIFIER = 'TFL3';

// Field ids in tflite's schema.fbs: table Model.
const MODEL_FIELD = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;
const MODEL_FIELD_COUNT = 8;
// Enum values in metadata_schema.fbs.
const CONTENT_IMAGE_PROPERTIES = 2;
const COLOR_SPACE_RGB = 1;
const PROCESS_UNIT_NORMALIZATION = 1;

export interface ImageModelMetadata {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  inputName: string;
  /** (pixel - mean) / std is what the model's input expects. */
  mean: number;
  std: number;
}

/** A ModelMetadata flatbuffer describing one RGB image input with its normalisation. */
export function buildImageModelMetadata(spec: ImageModelMetadata): Uint8Array {
  const b = new Builder(1024);
  const floats = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
    return b.endVector();
  };
  const offsets = (values: number[]): number => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]);
    return b.endVector();
  };

  const mean = floats([spec.mean]);
  const std = floats([spec.std]);
  b.startObject(2); // NormalizationOptions { mean, std }
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const normalization = b.endObject();

  b.startObject(2); // ProcessUnit { options_type, options }
  b.addFieldInt8(0, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnits = offsets([b.endObject()]);

  b.startObject(2); // ImageProperties { color_space, default_size }
  b.addFieldInt8(0, COLOR_SPACE_RGB, 0);
  const imageProperties = b.endObject();

  b.startObject(3); // Content { content_properties_type, content_properties, range }
  b.addFieldInt8(0, CONTENT_IMAGE_PROPERTIES, 0);
  b.addFieldOffset(1, imageProperties, 0);
  const content = b.endObject();

  const inputName = b.createString(spec.inputName);
  b.startObject(7); // TensorMetadata { name, description, dimension_names, content, process_units, ... }
  b.addFieldOffset(0, inputName, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, processUnits, 0);
  const inputs = offsets([b.endObject()]);

  b.startObject(9); // SubGraphMetadata { name, description, input_tensor_metadata, ... }
  b.addFieldOffset(2, inputs, 0);
  const subgraphs = offsets([b.endObject()]);

  const name = b.createString(spec.name);
  const description = b.createString(spec.description);
  const version = b.createString(spec.version);
  const author = b.createString(spec.author);
  const license = b.createString(spec.license);
  const minParserVersion = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(2, version, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(4, author, 0);
  b.addFieldOffset(5, license, 0);
  b.addFieldOffset(7, minParserVersion, 0);
  b.finish(b.endObject(), METADATA_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** Absolute position of a table's field, or 0 when the field is absent. */
function fieldPosition(bb: ByteBuffer, table: number, field: number): number {
  const offset = bb.__offset(table, 4 + 2 * field);
  return offset ? table + offset : 0;
}

/** Absolute positions of the tables a vector of tables points at. */
function tableVector(bb: ByteBuffer, position: number): number[] {
  if (!position) return [];
  const vector = bb.__vector(position);
  return Array.from({ length: bb.__vector_len(position) }, (_, i) => bb.__indirect(vector + 4 * i));
}

/**
 * A copy of `model` (a .tflite flatbuffer) with `metadata` stored in a new buffer and listed under
 * `name` in Model.metadata. Flatbuffer offsets only point forward, so a new root table goes in a
 * block inserted right after the file header; everything after it moves by a multiple of 16 bytes,
 * which keeps its internal (relative) offsets and its alignment valid.
 */
export function attachMetadata(model: Uint8Array, metadata: Uint8Array, name = METADATA_NAME): Uint8Array {
  const bb = new ByteBuffer(model);
  if (bb.__has_identifier(MODEL_IDENTIFIER) === false) throw new Error('Not a TFLite model (no TFL3 identifier)');
  const root = bb.readUint32(0);
  const vtable = root - bb.readInt32(root);
  const fieldCount = (bb.readUint16(vtable) - 4) / 2;
  if (fieldCount > MODEL_FIELD_COUNT) throw new Error(`Unsupported TFLite schema: Model has ${fieldCount} fields`);

  const buffers = tableVector(bb, fieldPosition(bb, root, MODEL_FIELD.buffers));
  for (const buffer of buffers) {
    // Buffers stored outside the flatbuffer (large models) are addressed from the file start.
    if (fieldPosition(bb, buffer, 1)) throw new Error('Unsupported TFLite model: buffers stored by file offset');
  }
  const entries = tableVector(bb, fieldPosition(bb, root, MODEL_FIELD.metadata));
  for (const entry of entries) {
    if (bb.__string(fieldPosition(bb, entry, 0)) === name) throw new Error(`The model already has ${name}`);
  }

  const header = 8; // root offset + file identifier
  const block: { at: number; write: (view: DataView, shift: number) => void }[] = [];
  let cursor = header;
  const reserve = (size: number, align: number, write: (view: DataView, at: number, shift: number) => void): number => {
    cursor = Math.ceil(cursor / align) * align;
    const at = cursor;
    block.push({ at, write: (view, shift) => write(view, at, shift) });
    cursor += size;
    return at;
  };
  // A uoffset at `at` pointing at `target`; old targets move by `shift`.
  const pointOld = (view: DataView, at: number, target: number, shift: number): void =>
    view.setUint32(at, target + shift - at, true);
  const pointNew = (view: DataView, at: number, target: number): void => view.setUint32(at, target - at, true);
  const writeTable = (fields: number, tableAt: number, vtableAt: number, view: DataView): void => {
    view.setUint16(vtableAt, 4 + 2 * fields, true);
    view.setUint16(vtableAt + 2, 4 + 4 * fields, true);
    for (let i = 0; i < fields; i++) view.setUint16(vtableAt + 4 + 2 * i, 4 + 4 * i, true);
    view.setInt32(tableAt, tableAt - vtableAt, true);
  };

  // The new Buffer holding the metadata: Buffer { data: [ubyte] (force_align 16) }.
  let bufferVtable = 0;
  let bufferTable = 0;
  let dataVector = 0;
  // The new Metadata entry: Metadata { name: string, buffer: uint }.
  let entryVtable = 0;
  let entryTable = 0;
  let nameString = 0;
  const nameBytes = new TextEncoder().encode(name);

  const rootVtable = reserve(4 + 2 * MODEL_FIELD_COUNT, 2, (view, at) => {
    view.setUint16(at, 4 + 2 * MODEL_FIELD_COUNT, true);
    view.setUint16(at + 2, 4 + 4 * MODEL_FIELD_COUNT, true);
    for (let i = 0; i < MODEL_FIELD_COUNT; i++) view.setUint16(at + 4 + 2 * i, 4 + 4 * i, true);
  });
  const newRoot = reserve(4 + 4 * MODEL_FIELD_COUNT, 4, () => undefined);
  const buffersVector = reserve(4 + 4 * (buffers.length + 1), 4, (view, at, shift) => {
    view.setUint32(at, buffers.length + 1, true);
    buffers.forEach((buffer, i) => pointOld(view, at + 4 + 4 * i, buffer, shift));
    pointNew(view, at + 4 + 4 * buffers.length, bufferTable);
  });
  const metadataVector = reserve(4 + 4 * (entries.length + 1), 4, (view, at, shift) => {
    view.setUint32(at, entries.length + 1, true);
    entries.forEach((entry, i) => pointOld(view, at + 4 + 4 * i, entry, shift));
    pointNew(view, at + 4 + 4 * entries.length, entryTable);
  });
  entryVtable = reserve(8, 2, () => undefined);
  entryTable = reserve(12, 4, (view, at) => {
    writeTable(2, at, entryVtable, view);
    pointNew(view, at + 4, nameString);
    view.setUint32(at + 8, buffers.length, true);
  });
  nameString = reserve(4 + nameBytes.length + 1, 4, (view, at) => {
    view.setUint32(at, nameBytes.length, true);
    new Uint8Array(view.buffer, view.byteOffset + at + 4, nameBytes.length).set(nameBytes);
  });
  bufferVtable = reserve(6, 2, () => undefined);
  bufferTable = reserve(8, 4, (view, at) => {
    writeTable(1, at, bufferVtable, view);
    pointNew(view, at + 4, dataVector);
  });
  cursor = Math.ceil((cursor + 4) / 16) * 16 - 4; // the bytes after the length are 16-aligned
  dataVector = reserve(4 + metadata.length, 4, (view, at) => {
    view.setUint32(at, metadata.length, true);
    new Uint8Array(view.buffer, view.byteOffset + at + 4, metadata.length).set(metadata);
  });

  const shift = Math.ceil((cursor - header) / 16) * 16;
  const out = new Uint8Array(model.length + shift);
  out.set(model.subarray(0, header));
  out.set(model.subarray(header), header + shift);
  const view = new DataView(out.buffer);
  view.setUint32(0, newRoot, true);
  for (const part of block) part.write(view, shift);

  // The new root: the old fields (moved), the two rebuilt vectors.
  view.setInt32(newRoot, newRoot - rootVtable, true);
  for (let field = 0; field < MODEL_FIELD_COUNT; field++) {
    const at = newRoot + 4 + 4 * field;
    if (field === MODEL_FIELD.buffers) pointNew(view, at, buffersVector);
    else if (field === MODEL_FIELD.metadata) pointNew(view, at, metadataVector);
    else {
      const old = field < fieldCount ? fieldPosition(bb, root, field) : 0;
      if (field === MODEL_FIELD.version) view.setUint32(at, old ? bb.readUint32(old) : 0, true);
      else if (old) pointOld(view, at, old + bb.readUint32(old), shift);
      else view.setUint16(rootVtable + 4 + 2 * field, 0, true); // absent stays absent (a 0 offset is invalid)
    }
  }
  return out;
}

/** The metadata flatbuffer stored under `name` in a .tflite model, if any. */
export function readAttachedMetadata(model: Uint8Array, name = METADATA_NAME): Uint8Array | undefined {
  const bb = new ByteBuffer(model);
  const root = bb.readUint32(0);
  const buffers = tableVector(bb, fieldPosition(bb, root, MODEL_FIELD.buffers));
  for (const entry of tableVector(bb, fieldPosition(bb, root, MODEL_FIELD.metadata))) {
    if (bb.__string(fieldPosition(bb, entry, 0)) !== name) continue;
    const data = fieldPosition(bb, buffers[bb.readUint32(fieldPosition(bb, entry, 1))], 0);
    return model.subarray(bb.__vector(data), bb.__vector(data) + bb.__vector_len(data));
  }
  return undefined;
}

/** The normalisation of the first input of a ModelMetadata flatbuffer (the parts this project writes). */
export function readInputNormalization(metadata: Uint8Array): { mean: number; std: number; colorSpace: number } {
  const bb = new ByteBuffer(metadata);
  if (!bb.__has_identifier(METADATA_IDENTIFIER)) throw new Error('Not a TFLite ModelMetadata flatbuffer');
  const root = bb.readUint32(0);
  const [subgraph] = tableVector(bb, fieldPosition(bb, root, 3));
  const [input] = tableVector(bb, fieldPosition(bb, subgraph, 2));
  const content = bb.__indirect(fieldPosition(bb, input, 3));
  const imageProperties = bb.__indirect(fieldPosition(bb, content, 1));
  const [unit] = tableVector(bb, fieldPosition(bb, input, 4));
  const normalization = bb.__indirect(fieldPosition(bb, unit, 1));
  const first = (field: number): number => bb.readFloat32(bb.__vector(fieldPosition(bb, normalization, field)));
  return { mean: first(0), std: first(1), colorSpace: bb.readInt8(fieldPosition(bb, imageProperties, 0)) };
}
