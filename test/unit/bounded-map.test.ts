import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/shared/bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than its capacity: the least recently used entry goes first', () => {
    const map = new BoundedMap<string, number>({ capacity: 3 });
    for (const [i, key] of ['a', 'b', 'c'].entries()) map.set(key, i);
    expect(map.get('a')).toBe(0);
    map.set('d', 3);
    expect(map.size).toBe(3);
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c'), map.get('d')]).toEqual([0, 2, 3]);
    for (let i = 0; i < 10_000; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(3);
  });

  it('forgets an entry once it is older than maxAgeMs, however often it was read', () => {
    let now = 0;
    const map = new BoundedMap<string, string>({ capacity: 10, maxAgeMs: 1_000, now: () => now });
    map.set('answer', 'yes');
    now = 999;
    expect(map.get('answer')).toBe('yes');
    now = 1_000;
    expect(map.get('answer')).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('removes every entry whose key matches', () => {
    const map = new BoundedMap<string, number>({ capacity: 10 });
    for (const key of ['T1\u0000a', 'T1\u0000b', 'T2\u0000a']) map.set(key, 1);
    map.deleteWhere((key) => key.startsWith('T1\u0000'));
    expect(map.size).toBe(1);
    expect(map.get('T2\u0000a')).toBe(1);
  });
});
