import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Secrets at rest (Pivotal keys, Slack installations) are sealed with AES-256-GCM. Each token names
 * the key that sealed it, so a new key can become current while older tokens stay readable through
 * the previous keys until they are re-written.
 */

const FORMAT_VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

declare const encryptedBrand: unique symbol;
/**
 * Text that came out of KeyRing#encrypt. Store functions that persist secrets ask for this type so
 * that handing them a secret in clear is a compile error, not a leak.
 */
export type EncryptedText = string & { readonly [encryptedBrand]: true };

interface NamedKey {
  id: string;
  key: Buffer;
}

export class KeyRing {
  private readonly byId: ReadonlyMap<string, Buffer>;

  private constructor(
    private readonly current: NamedKey,
    previous: NamedKey[],
  ) {
    const byId = new Map<string, Buffer>();
    for (const { id, key } of [current, ...previous]) {
      const known = byId.get(id);
      // Eight hex characters can collide; refusing to start beats decrypting with the wrong key.
      if (known && !known.equals(key))
        throw new Error(`Two different encryption keys share the key id ${id}; replace one of them`);
      byId.set(id, key);
    }
    this.byId = byId;
  }

  static fromBase64(current: string, previous: string[] = []): KeyRing {
    return new KeyRing(
      namedKey(current, 'the current encryption key'),
      previous.map((encoded, i) => namedKey(encoded, `previous encryption key #${i + 1}`)),
    );
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string): EncryptedText {
    const header = `${FORMAT_VERSION}.${this.current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    // The header is authenticated too, so a token cannot be relabelled to another version or key id.
    cipher.setAAD(Buffer.from(header));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [header, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(
      '.',
    ) as EncryptedText;
  }

  decrypt(token: string): string {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
      throw new Error(`Cannot decrypt: not a ${FORMAT_VERSION} encrypted value`);
    }
    const [version, keyId, ivText, tagText, ciphertextText] = parts as [string, string, string, string, string];
    const key = this.byId.get(keyId);
    if (!key) {
      throw new Error(
        `Cannot decrypt: the value was encrypted with key ${keyId}, which is not configured ` +
          `(known: ${[...this.byId.keys()].join(', ')}). Add that key to the previous encryption keys.`,
      );
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw tamperedError(keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${version}.${keyId}`));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw tamperedError(keyId);
    }
  }
}

function tamperedError(keyId: string): Error {
  return new Error(`Cannot decrypt with key ${keyId}: the value was modified or is corrupt`);
}

function namedKey(encoded: string, label: string): NamedKey {
  const trimmed = encoded.trim();
  // Buffer.from(…, 'base64') silently skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error(`${label} is not valid base64; ${GENERATE_HINT}`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `${label} must be exactly ${KEY_BYTES} bytes once base64-decoded, but it is ${key.length} bytes; ${GENERATE_HINT}`,
    );
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * Sandbox mode only: a fresh machine has no encryption key in its environment, so one is generated
 * into the data folder on first start and reused afterwards, readable by the owner alone.
 */
export async function loadOrCreateSandboxKey(dataDir: string): Promise<string> {
  const keyFile = path.join(dataDir, 'encryption.key');
  const existing = await readKeyFile(keyFile);
  if (existing !== undefined) return existing;

  await mkdir(dataDir, { recursive: true });
  const generated = randomBytes(KEY_BYTES).toString('base64');
  // Written aside and then linked into place: link() fails if the key file appeared meanwhile, and
  // no reader ever sees a half-written key.
  const draft = `${keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, `${generated}\n`, { mode: 0o600 });
  try {
    await link(draft, keyFile);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKeyFile(keyFile))!;
  } finally {
    await rm(draft, { force: true });
  }
}

async function readKeyFile(keyFile: string): Promise<string | undefined> {
  try {
    return (await readFile(keyFile, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
