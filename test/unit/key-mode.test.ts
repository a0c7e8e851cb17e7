import { describe, expect, it } from 'vitest';
import { keyMode } from '../../src/domain/key-mode.js';

describe('keyMode', () => {
  it('reads test mode from the pivotal_test_ prefix and live from anything else', () => {
    expect(keyMode('pivotal_test_Ab12cd')).toBe('test');
    expect(keyMode('pivotal_Ab12cd')).toBe('live');
    expect(keyMode('pivotal_testing')).toBe('live');
  });
});
