import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyRing, loadOrCreateSandboxKey } from '../../src/security/key-encryption.js';

const newKey = () => randomBytes(32).toString('base64');

/** Flips one character of one dot-separated part of an encrypted value. */
function tamper(token: string, partIndex: number): string {
  const parts = token.split('.');
  const part = parts[partIndex]!;
  parts[partIndex] = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
  return parts.join('.');
}

describe('KeyRing', () => {
  it('round-trips text, including non-ASCII', () => {
    const ring = KeyRing.fromBase64(newKey());
    expect(ring.decrypt(ring.encrypt('pivotal_live_K8s9secret — ünïcødé'))).toBe('pivotal_live_K8s9secret — ünïcødé');
  });

  it('writes v1.<kid>.<iv>.<tag>.<ciphertext> with kid = first 8 hex chars of sha256(key)', () => {
    const ring = KeyRing.fromBase64('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='); // bytes 0..31
    expect(ring.currentKeyId).toBe('630dcd29');
    const [version, kid, iv, tag, ciphertext] = ring.encrypt('x').split('.');
    expect([version, kid]).toEqual(['v1', '630dcd29']);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('uses a fresh IV, so the same text never encrypts the same way twice', () => {
    const ring = KeyRing.fromBase64(newKey());
    const first = ring.encrypt('same secret');
    const second = ring.encrypt('same secret');
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it.each([
    ['the key id', 1],
    ['the IV', 2],
    ['the auth tag', 3],
    ['the ciphertext', 4],
  ])('refuses a value whose %s was changed', (_part, index) => {
    const ring = KeyRing.fromBase64(newKey());
    const token = ring.encrypt('pivotal_live_secret');
    expect(() => ring.decrypt(tamper(token, index))).toThrow(/modified or is corrupt|not configured/);
  });

  it('refuses a truncated auth tag instead of accepting a weaker check', () => {
    const ring = KeyRing.fromBase64(newKey());
    const parts = ring.encrypt('secret').split('.');
    parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => ring.decrypt(parts.join('.'))).toThrow(/modified or is corrupt/);
  });

  it('refuses values that are not in its format', () => {
    const ring = KeyRing.fromBase64(newKey());
    expect(() => ring.decrypt('pivotal_live_in_clear')).toThrow(/not a v1 encrypted value/);
    expect(() => ring.decrypt(ring.encrypt('x').replace(/^v1/, 'v2'))).toThrow(/not a v1 encrypted value/);
  });

  it('names the missing key when a value was encrypted with a key it does not know', () => {
    const writer = KeyRing.fromBase64(newKey());
    const reader = KeyRing.fromBase64(newKey());
    expect(() => reader.decrypt(writer.encrypt('secret'))).toThrow(
      `encrypted with key ${writer.currentKeyId}, which is not configured`,
    );
  });

  it('rotates: encrypts with the current key and still decrypts with previous ones', () => {
    const oldKey = newKey();
    const before = KeyRing.fromBase64(oldKey);
    const written = before.encrypt('written before rotation');

    const after = KeyRing.fromBase64(newKey(), [oldKey]);
    expect(after.decrypt(written)).toBe('written before rotation');
    expect(after.currentKeyId).not.toBe(before.currentKeyId);
    expect(after.encrypt('new').split('.')[1]).toBe(after.currentKeyId);
  });

  it('explains what is wrong with a key of the wrong length, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => KeyRing.fromBase64(short)).toThrow(
      'the current encryption key must be exactly 32 bytes once base64-decoded, but it is 16 bytes',
    );
    expect(() => KeyRing.fromBase64(short)).toThrow(/openssl rand -base64 32/);
    expect(() => KeyRing.fromBase64(newKey(), [newKey(), short])).toThrow(
      /previous encryption key #2 must be exactly 32 bytes/,
    );
    try {
      KeyRing.fromBase64(short);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('rejects text that is not base64 rather than decoding part of it', () => {
    expect(() => KeyRing.fromBase64(`${newKey().slice(0, 40)}!!`)).toThrow(
      'the current encryption key is not valid base64',
    );
  });
});

describe('loadOrCreateSandboxKey', () => {
  let dataDir: string;
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a 32-byte key readable by the owner only, then returns the same key', async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'pivotal-key-test-')), 'not-yet-created');
    const first = await loadOrCreateSandboxKey(dataDir);
    const keyFile = path.join(dataDir, 'encryption.key');

    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(keyFile, 'utf8')).trim()).toBe(first);
    expect(await loadOrCreateSandboxKey(dataDir)).toBe(first);
    expect(() => KeyRing.fromBase64(first)).not.toThrow();
  });

  it('hands every concurrent caller the same key', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pivotal-key-test-'));
    const keys = await Promise.all(Array.from({ length: 10 }, () => loadOrCreateSandboxKey(dataDir)));
    expect(new Set(keys).size).toBe(1);
  });
});
