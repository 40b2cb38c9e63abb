import {
  MAX_FACES_PER_CALL,
  MAX_FACES_PER_FRAME,
  MAX_TEXT_LENGTH,
  MAX_VIDEO_MS,
  type ClassifyRequest,
} from '@shared/api';
import { FACE_PIXELS, NUM_CLASSES } from '@shared/emotions';
import { isAbsolute } from 'node:path';
import { MAX_FACES_PER_PHOTO, MAX_IMAGE_SIDE, MAX_PHOTOS_PER_EXPORT, type PhotoResult } from '@shared/photos';
import type { BaselineInput, SampleInput, SampleValues, SessionFilter, SessionSource } from '@shared/sessions';
import { ARCHITECTURES, AUGMENTATION_SWITCHES, TRAINING_LIMITS, type TrainingConfig } from '@shared/training';

/** A payload from the renderer that does not match the contract. */
export class InvalidPayloadError extends Error {}

/** Checks a classifyFaces payload: 1..MAX_FACES_PER_CALL crops of FACE_PIXELS finite values in [0, 1]. */
export function parseClassifyRequest(payload: unknown): ClassifyRequest {
  if (!isRecord(payload) || !('faces' in payload)) {
    throw new InvalidPayloadError('classifyFaces expects { faces: Float32Array }');
  }
  const { faces, live } = expectObject('classifyFaces', payload, ['faces', 'live']);
  if (!(faces instanceof Float32Array)) throw new InvalidPayloadError('faces must be a Float32Array');
  const count = faces.length / FACE_PIXELS;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FACES_PER_CALL) {
    throw new InvalidPayloadError(
      `faces must hold 1 to ${MAX_FACES_PER_CALL} crops of ${FACE_PIXELS} values; got ${faces.length} values`,
    );
  }
  for (let i = 0; i < faces.length; i++) {
    // Also rejects NaN, which fails every comparison.
    if (!(faces[i] >= 0 && faces[i] <= 1)) throw new InvalidPayloadError(`faces[${i}] is ${faces[i]}, not in [0, 1]`);
  }
  return { faces, live: optionalBoolean('live', live) ?? false };
}

/** Methods that take no argument must be called without one. */
export function expectNoPayload(method: string, args: unknown[]): void {
  if (args.length > 0 && args.some((arg) => arg !== undefined)) {
    throw new InvalidPayloadError(`${method} takes no arguments`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The single object argument of a method, checked to be a plain object with no field but `fields`:
 * an unknown field is a renderer out of step with the contract, refused rather than ignored.
 */
export function expectObject(method: string, payload: unknown, fields: readonly string[]): Record<string, unknown> {
  if (!isRecord(payload)) throw new InvalidPayloadError(`${method} expects an object`);
  const unknown = Object.keys(payload).find((key) => !fields.includes(key));
  if (unknown !== undefined) throw new InvalidPayloadError(`${method}: ${unknown} is not one of its fields`);
  return payload;
}

export function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidPayloadError(`${field} must be text`);
  if (value.length > MAX_TEXT_LENGTH)
    throw new InvalidPayloadError(`${field} is longer than ${MAX_TEXT_LENGTH} characters`);
  return value;
}

export function requiredText(field: string, value: unknown): string {
  const text = optionalText(field, value);
  if (text === undefined || !text.trim()) throw new InvalidPayloadError(`${field} must not be empty`);
  return text;
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPayloadError(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function optionalInteger(field: string, value: unknown, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integer(field, value, min, max);
}

function unitInterval(field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new InvalidPayloadError(`${field} must be in [0, 1]`);
  return value;
}

function finite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidPayloadError(`${field} must be a number`);
  return value;
}

/** A box: exactly x, y, width and height, each a finite number. */
function parseBox(field: string, value: unknown): { x: number; y: number; width: number; height: number } {
  const box = expectObject(field, value, ['x', 'y', 'width', 'height']);
  return {
    x: finite(`${field}.x`, box.x),
    y: finite(`${field}.y`, box.y),
    width: finite(`${field}.width`, box.width),
    height: finite(`${field}.height`, box.height),
  };
}

/**
 * recordFaces: up to MAX_FACES_PER_FRAME faces, each an id, NUM_CLASSES probabilities and a box,
 * and for a file's analysis the frame's time in the video.
 */
export function parseRecordFaces(payload: unknown): { faces: SampleInput[]; offsetMs?: number } {
  const { faces, offsetMs } = expectObject('recordFaces', payload, ['faces', 'offsetMs']);
  if (!Array.isArray(faces) || faces.length > MAX_FACES_PER_FRAME) {
    throw new InvalidPayloadError(`faces must be a list of at most ${MAX_FACES_PER_FRAME} faces`);
  }
  const parsed = faces.map((face: unknown, i): SampleInput => {
    if (!isRecord(face) || !isRecord(face.box) || !Array.isArray(face.probabilities)) {
      throw new InvalidPayloadError(`faces[${i}] must be { faceId, probabilities, box }`);
    }
    expectObject(`faces[${i}]`, face, ['faceId', 'probabilities', 'box']);
    const box = parseBox(`faces[${i}].box`, face.box);
    if (face.probabilities.length !== NUM_CLASSES) {
      throw new InvalidPayloadError(`faces[${i}].probabilities must hold ${NUM_CLASSES} values`);
    }
    return {
      faceId: integer(`faces[${i}].faceId`, face.faceId, 0, Number.MAX_SAFE_INTEGER),
      probabilities: face.probabilities.map((p: unknown, c) => unitInterval(`faces[${i}].probabilities[${c}]`, p)),
      box,
    };
  });
  return {
    faces: parsed,
    ...(offsetMs === undefined ? {} : { offsetMs: number('offsetMs', offsetMs, 0, MAX_VIDEO_MS) }),
  };
}

/** A distribution over the emotions: NUM_CLASSES values in [0, 1] that sum to 1 (within rounding). */
function distribution(field: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length !== NUM_CLASSES) {
    throw new InvalidPayloadError(`${field} must hold ${NUM_CLASSES} probabilities`);
  }
  const parsed = value.map((p: unknown, c) => unitInterval(`${field}[${c}]`, p));
  const total = parsed.reduce((sum, p) => sum + p, 0);
  if (Math.abs(total - 1) > 1e-3) throw new InvalidPayloadError(`${field} must sum to 1, not ${total}`);
  return parsed;
}

/** setBaseline: a face, its baseline and the model's reference (two distributions), a strength, a frame count and the model. */
export function parseBaselineInput(payload: unknown): BaselineInput {
  const input = expectObject('setBaseline', payload, [
    'faceId',
    'baseline',
    'reference',
    'strength',
    'frames',
    'model',
  ]);
  return {
    faceId: integer('faceId', input.faceId, 0, Number.MAX_SAFE_INTEGER),
    baseline: distribution('baseline', input.baseline),
    reference: distribution('reference', input.reference),
    strength: unitInterval('strength', input.strength),
    frames: integer('frames', input.frames, 1, 100_000),
    model: requiredText('model', input.model).slice(0, 200),
  };
}

export function optionalSampleValues(value: unknown): SampleValues | undefined {
  return value === undefined ? undefined : oneOf('values', value, ['raw', 'calibrated'] as const);
}

/** A video file a session is analysed from: its name (not its path) and its length. */
export function parseSessionSource(payload: unknown): SessionSource | undefined {
  if (payload === undefined) return undefined;
  const source = expectObject('source', payload, ['kind', 'fileName', 'durationMs']);
  const fileName = requiredText('source.fileName', source.fileName);
  if (/[\\/]/.test(fileName)) throw new InvalidPayloadError('source.fileName must be a file name, not a path');
  return {
    kind: oneOf('source.kind', source.kind, ['video'] as const),
    fileName: fileName.slice(0, 500),
    durationMs: number('source.durationMs', source.durationMs, 1, MAX_VIDEO_MS),
  };
}

/** Photo analysis results to export: names, sizes, faces with pixel boxes and probabilities. */
export function parsePhotoResults(value: unknown): PhotoResult[] {
  if (!Array.isArray(value) || value.length > MAX_PHOTOS_PER_EXPORT) {
    throw new InvalidPayloadError(`photos must be a list of at most ${MAX_PHOTOS_PER_EXPORT} photo results`);
  }
  return value.map((photo: unknown, i): PhotoResult => {
    const at = `photos[${i}]`;
    const fields = expectObject(at, photo, ['fileName', 'width', 'height', 'faces', 'error']);
    if (!Array.isArray(fields.faces) || fields.faces.length > MAX_FACES_PER_PHOTO) {
      throw new InvalidPayloadError(`${at}.faces must be a list of at most ${MAX_FACES_PER_PHOTO} faces`);
    }
    const error = optionalText(`${at}.error`, fields.error);
    return {
      fileName: requiredText(`${at}.fileName`, fields.fileName),
      width: integer(`${at}.width`, fields.width, 0, MAX_IMAGE_SIDE),
      height: integer(`${at}.height`, fields.height, 0, MAX_IMAGE_SIDE),
      faces: fields.faces.map((face: unknown, f) => {
        const { box, probabilities } = expectObject(`${at}.faces[${f}]`, face, ['box', 'probabilities']);
        const parsedBox = parseBox(`${at}.faces[${f}].box`, box);
        if (probabilities !== undefined && (!Array.isArray(probabilities) || probabilities.length !== NUM_CLASSES)) {
          throw new InvalidPayloadError(`${at}.faces[${f}].probabilities must hold ${NUM_CLASSES} values`);
        }
        return {
          box: parsedBox,
          ...(probabilities === undefined
            ? {}
            : {
                probabilities: probabilities.map((p: unknown, c) =>
                  unitInterval(`${at}.faces[${f}].probabilities[${c}]`, p),
                ),
              }),
        };
      }),
      ...(error === undefined ? {} : { error }),
    };
  });
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  return value === undefined ? undefined : boolean(field, value);
}

export function parseSessionFilter(payload: unknown): SessionFilter {
  const filter = expectObject('listSessions', payload, ['query', 'from', 'to']);
  return {
    query: optionalText('query', filter.query),
    from: filter.from === undefined ? undefined : finite('from', filter.from),
    to: filter.to === undefined ? undefined : finite('to', filter.to),
  };
}

/** A list of whole-number ids from `min` up (at most 100,000 of them), named `kind` in its error. */
function idList(field: string, value: unknown, kind: string, min: number): number[] {
  if (!Array.isArray(value) || value.length > 100_000)
    throw new InvalidPayloadError(`${field} must be a list of ${kind} ids`);
  return value.map((id, i) => integer(`${field}[${i}]`, id, min, Number.MAX_SAFE_INTEGER));
}

export function parseSessionIds(field: string, value: unknown): number[] {
  return idList(field, value, 'session', 1);
}

/** An optional list of face ids (History's lanes: one face, or the brief faces together). */
export function optionalFaceIds(field: string, value: unknown): number[] | undefined {
  return value === undefined ? undefined : idList(field, value, 'face', 0);
}

function number(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new InvalidPayloadError(`${field} must be a number from ${min} to ${max}`);
  }
  return value;
}

function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidPayloadError(`${field} must be true or false`);
  return value;
}

function oneOf<T extends string>(field: string, value: unknown, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new InvalidPayloadError(`${field} must be one of ${options.join(', ')}`);
  }
  return value as T;
}

/** A dataset location from the renderer: an absolute path (the ML process reads it). */
export function datasetPath(field: string, value: unknown): string {
  const text = requiredText(field, value);
  if (!isAbsolute(text)) throw new InvalidPayloadError(`${field} must be an absolute path`);
  return text;
}

export function parseValidationFraction(value: unknown): number {
  return number('validationFraction', value, 0.05, 0.5);
}

export function parseSeed(value: unknown): number {
  return integer('seed', value, 0, 2 ** 31 - 1);
}

/** Checks every field of a training setup, and that nothing else came with it. */
export function parseTrainingConfig(payload: unknown): TrainingConfig {
  const config = expectObject('config', payload, [
    'name',
    'datasetPath',
    'architecture',
    'epochs',
    'batchSize',
    'learningRate',
    'schedule',
    'augment',
    'classWeighting',
    'fineTuneFrom',
    'teacher',
    'validationFraction',
    'seed',
  ]);
  const augment = expectObject(
    'config.augment',
    config.augment,
    AUGMENTATION_SWITCHES.map(([name]) => name),
  );
  return {
    name: requiredText('config.name', config.name).trim().slice(0, 200),
    datasetPath: datasetPath('config.datasetPath', config.datasetPath),
    architecture: oneOf('config.architecture', config.architecture, ARCHITECTURES),
    epochs: integer('config.epochs', config.epochs, TRAINING_LIMITS.epochs.min, TRAINING_LIMITS.epochs.max),
    batchSize: integer(
      'config.batchSize',
      config.batchSize,
      TRAINING_LIMITS.batchSize.min,
      TRAINING_LIMITS.batchSize.max,
    ),
    learningRate: number(
      'config.learningRate',
      config.learningRate,
      TRAINING_LIMITS.learningRate.min,
      TRAINING_LIMITS.learningRate.max,
    ),
    schedule: oneOf('config.schedule', config.schedule, ['keras-decay', 'warmup-cosine'] as const),
    augment: Object.fromEntries(
      AUGMENTATION_SWITCHES.map(([name]) => [name, boolean(`config.augment.${name}`, augment[name])]),
    ) as TrainingConfig['augment'],
    classWeighting: boolean('config.classWeighting', config.classWeighting),
    fineTuneFrom: optionalText('config.fineTuneFrom', config.fineTuneFrom),
    teacher: optionalText('config.teacher', config.teacher),
    validationFraction: parseValidationFraction(config.validationFraction),
    seed: parseSeed(config.seed),
  };
}
