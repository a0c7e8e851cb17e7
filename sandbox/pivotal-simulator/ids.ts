import { randomBytes } from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const ALPHANUMERIC = `${BASE36}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

function randomChars(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 is not a multiple of 36 or 62; the slight bias is irrelevant for a simulator.
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

let counter = 0;

/** cuid-shaped (25 chars, starts with `c`): time, a counter and randomness, unique across orgs. */
export function newCuid(): string {
  counter = (counter + 1) % 36 ** 4;
  const time = Date.now().toString(36).padStart(8, '0').slice(-8);
  return `c${time}${counter.toString(36).padStart(4, '0')}${randomChars(BASE36, 12)}`;
}

export function newSecretKey(mode: 'live' | 'test'): string {
  return `${mode === 'test' ? 'pivotal_test_' : 'pivotal_'}${randomChars(ALPHANUMERIC, 32)}`;
}
