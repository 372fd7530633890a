import { describe, expect, it } from 'vitest';
import { isCi } from '../support/ci.js';

describe('isCi: any truthy CI value means CI', () => {
  it.each(['true', '1', 'yes', 'TRUE', 'on', 'github-actions'])('CI=%j is CI', (value) => {
    expect(isCi({ CI: value })).toBe(true);
  });

  it.each([undefined, '', '0', 'false', 'FALSE', 'no', 'off', ' '])('CI=%j is not CI', (value) => {
    expect(isCi(value === undefined ? {} : { CI: value })).toBe(false);
  });
});
