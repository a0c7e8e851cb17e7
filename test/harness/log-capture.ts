import { Writable } from 'node:stream';

/** Collects every log line the app writes, so tests can read them and prove no secret is in them. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
    done();
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** The secrets (or any 12-character run of one) found in the captured logs. */
  leaked(secrets: Iterable<string>): string[] {
    const text = this.text;
    const found: string[] = [];
    for (const secret of secrets) {
      for (let i = 0; i + 12 <= secret.length; i += 4) {
        // A run taken past the public prefix must never appear: that is the secret part.
        const run = secret.slice(i, i + 12);
        if (i >= publicPrefixLength(secret) && text.includes(run)) {
          found.push(`${secret.slice(0, 6)}… (run "${run}")`);
          break;
        }
      }
    }
    return found;
  }
}

/** Pivotal keys and Slack tokens have a prefix that is safe to show (e.g. `pivotal_K8s9`, `xoxb-`). */
function publicPrefixLength(secret: string): number {
  const m = secret.match(/^(pivotal_(?:test_)?[A-Za-z0-9]{4}|(?:xoxe\.)?xox[a-z]-|xapp-)/);
  return m ? m[0].length : 0;
}
