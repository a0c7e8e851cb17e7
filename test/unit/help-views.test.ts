import { describe, expect, it } from 'vitest';
import { closestCommand } from '../../src/features/help/views.js';

const WORDS = [
  'onboard',
  'move',
  'customer',
  'contact',
  'status',
  'channel',
  'help',
  'connect',
  'disconnect',
  'phases',
];

describe('closestCommand', () => {
  it.each([
    ['onbaord', 'onboard'],
    ['mvoe', 'move'],
    ['custmer', 'customer'],
    ['contcat', 'contact'],
    ['stauts', 'status'],
    ['phase', 'phases'],
  ])('suggests %s → %s', (typed, meant) => {
    expect(closestCommand(typed, WORDS)).toBe(meant);
  });

  it.each(['frobnicate', 'x', 'hi', 'deploy'])('suggests nothing for %s', (typed) => {
    expect(closestCommand(typed, WORDS)).toBeUndefined();
  });
});
