import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './run';

const options = {
  lr: { type: 'string' },
  tta: { type: 'boolean' },
  'no-tta': { type: 'boolean' },
} as const;

describe('parseCommandLine', () => {
  it('takes a negative number as an option value, for the range check to judge', () => {
    expect(parseCommandLine({ options, args: ['--lr', '-1'] }).values.lr).toBe('-1');
    expect(parseCommandLine({ options, args: ['--lr', '-.5'] }).values.lr).toBe('-.5');
  });

  it('still refuses a missing value followed by another flag', () => {
    expect(() => parseCommandLine({ options, args: ['--lr', '--tta'] })).toThrow(/argument is ambiguous/);
  });

  it('refuses a flag given with its --no- opposite', () => {
    expect(() => parseCommandLine({ options, args: ['--tta', '--no-tta'] })).toThrow(UsageError);
    expect(() => parseCommandLine({ options, args: ['--tta', '--no-tta'] })).toThrow(
      '--tta and --no-tta contradict each other: give one of them',
    );
    expect(parseCommandLine({ options, args: ['--no-tta'] }).values['no-tta']).toBe(true);
  });
});
