import { describe, expect, it } from 'vitest';
import { electronBinary, fakeCameraVideo } from './paths';

const requireThrowing = (message: string) =>
  (() => {
    throw new Error(message);
  }) as unknown as NodeJS.Require;

describe('the reason Electron specs are skipped', () => {
  it('says how to install a binary whose download was skipped, not to delete node_modules', () => {
    const { path, reason } = electronBinary(
      requireThrowing(
        'Electron failed to install correctly, please delete node_modules/electron and try installing again',
      ),
    );
    expect(path).toBeUndefined();
    expect(reason).toContain('node node_modules/electron/install.js');
    expect(reason).not.toContain('delete node_modules');
  });

  it('passes on any other loading error', () => {
    expect(electronBinary(requireThrowing('boom\nstack')).reason).toBe('Electron cannot be loaded: boom');
  });

  it('gives the path of an installed binary', () => {
    const installed = (() => process.execPath) as unknown as NodeJS.Require;
    expect(electronBinary(installed)).toEqual({ path: process.execPath });
  });
});

describe('the fake-webcam clip', () => {
  it('is named with how to make it when it is missing', () => {
    expect(() => fakeCameraVideo('/nowhere/faces.y4m')).toThrow(
      "The fake-webcam clip /nowhere/faces.y4m is missing: make it from FER2013's test images with `bash scripts/make-faces-y4m.sh",
    );
    expect(fakeCameraVideo(process.execPath)).toBe(process.execPath);
  });
});
