import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { PivotalAuthError } from '../../src/pivotal/index.js';
import { simulatorFixture } from './support.js';

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const { logger } = createLogger({ level: 'debug', destination });
  return { logger, text: () => lines.join('') };
}

describe('request logging', () => {
  it('logs each request with the key prefix and never the key', async () => {
    const { sim, org, key, client } = await simulatorFixture({ mode: 'test' });
    const logs = captureLogs();
    const pivotal = client({ logger: logs.logger });
    sim.faults.failNext(1, 500);

    await pivotal.createCustomer({ name: 'Indigo Learning' }, { idempotencyKey: 'indigo' });
    await pivotal.me();
    sim.revokeKey(key);
    await expect(pivotal.listOnboardings({ customer_id: org.id })).rejects.toBeInstanceOf(PivotalAuthError);

    const text = logs.text();
    const entries = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((e) => e.msg === 'pivotal request').map((e) => [e.method, e.path, e.status])).toEqual([
      ['POST', '/customers', 500],
      ['POST', '/customers', 201],
      ['GET', '/me', 200],
      ['GET', '/onboardings', 401],
    ]);
    expect(entries.every((e) => e.keyPrefix === pivotal.keyPrefix)).toBe(true);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(pivotal.keyPrefix.length));
    expect(text.toLowerCase()).not.toContain('bearer');
  });
});
