/**
 * Media files for the file-analysis specs, made at test time from the fake-webcam fixture with
 * Debian's ffmpeg (never committed): a WebM clip of its nine segments, and single frames as photos.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fakeCameraVideo } from './paths';
import { errorMessage } from '../../src/shared/errors';

const run = promisify(execFile);

/** The fixture's layout (its README): 5 fps, 4 frames (0.8 s) per segment, nine segments. */
export const CLIP_FPS = 5;
export const SEGMENT_MS = 800;
export const SEGMENTS = [
  { faces: ['angry'] },
  { faces: ['disgust'] },
  { faces: ['fear'] },
  { faces: ['happy'] },
  { faces: ['neutral'] },
  { faces: ['sad'] },
  { faces: ['surprise'] },
  { faces: ['happy', 'sad'] },
  { faces: [] },
] as const;

async function ffmpeg(args: string[]): Promise<void> {
  await mkdir(path.dirname(args[args.length - 1]), { recursive: true });
  try {
    await run('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  } catch (error) {
    throw new Error(
      `ffmpeg failed (${errorMessage(error).split('\n')[0]}); the file specs need Debian's ffmpeg: apt-get install ffmpeg`,
    );
  }
}

/** The fixture as a VP8 WebM clip (7.2 s, 320x240, 5 fps), as a user's recording would be. */
export async function makeWebmClip(dir: string): Promise<string> {
  const out = path.join(dir, 'faces-clip.webm');
  await ffmpeg(['-i', fakeCameraVideo(), '-c:v', 'libvpx', '-b:v', '1M', '-crf', '4', '-g', '5', '-an', out]);
  return out;
}

/** The fixture played `times` over at 30 fps: a clip long enough to cancel half way. */
export async function makeLongClip(dir: string, times: number): Promise<string> {
  const out = path.join(dir, 'faces-long.webm');
  await ffmpeg([
    '-stream_loop',
    String(times - 1),
    '-i',
    fakeCameraVideo(),
    '-r',
    '30',
    '-c:v',
    'libvpx',
    '-b:v',
    '1M',
    '-an',
    out,
  ]);
  return out;
}

/** Frame `index` of the fixture as a photo; the extension picks the format (.png, .jpg, .webp, .bmp). */
export async function makePhoto(dir: string, index: number, name: string): Promise<string> {
  const out = path.join(dir, name);
  await ffmpeg(['-i', fakeCameraVideo(), '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', out]);
  return out;
}

/** A file that claims to be a video or an image and is not one. */
export async function makeBogusFile(dir: string, name: string): Promise<string> {
  const out = path.join(dir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(out, 'This is not a picture, only text in a file with the wrong name.\n'.repeat(50));
  return out;
}
