import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { parsePrometheus, sampleValue } from '../harness/prometheus.js';
import { slashCommandFields } from '../../sandbox/slack-requests.js';

/**
 * One client flooding /slack/events with unsigned or falsely signed requests must not grow the
 * process: nothing it sends is remembered. 20,000 requests a case over keep-alive on loopback; the
 * heap is measured after a full collection (V8's gc, exposed for this file) before and after.
 */

const REQUESTS = 20_000;
const CONNECTIONS = 4;
const BATCH = 100;
const FORM = 'application/x-www-form-urlencoded';
const METRICS_TOKEN = randomBytes(24).toString('hex');
/** Slow on a loaded 2-core box (client and server share this process); a few seconds when idle. */
const FLOOD_TIMEOUT_MS = 180_000;
/** 15,000 characters, different for every request: a window into random text behind a counter. */
const RANDOM_TEXT = randomBytes(15_000).toString('hex');
const hugeSignature = (i: number) =>
  `${i}:${RANDOM_TEXT.slice(i % 15_000, (i % 15_000) + 15_000 - String(i).length - 1)}`;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface Flood {
  body: (i: number) => string;
  headers: (i: number) => Record<string, string>;
}

describe('an unsigned flood of /slack/events', () => {
  let h: Harness;

  beforeAll(async () => {
    // Warnings only: the capture keeps every line, and each refusal is a debug line.
    h = await startHarness({ env: { METRICS_TOKEN, LOG_LEVEL: 'warn' } });
    h.secrets.push(METRICS_TOKEN);
  });
  afterAll(async () => {
    await h.close();
  });

  const raw = (body: string, headers: Record<string, string>) => {
    const lines = [
      `POST /slack/events HTTP/1.1`,
      `host: 127.0.0.1`,
      `content-type: ${FORM}`,
      `content-length: ${Buffer.byteLength(body)}`,
    ];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return `${lines.join('\r\n')}\r\n\r\n${body}`;
  };

  /**
   * Sends requests `from`..`to` (exclusive) over CONNECTIONS keep-alive sockets, pipelined in
   * batches: the client costs next to nothing, so the time goes to the server under test. Every
   * refusal and ssl_check answer has an empty body, so status lines can be counted in the stream.
   */
  async function send(f: Flood, from: number, to: number): Promise<Record<number, number>> {
    const statuses: Record<number, number> = {};
    const port = Number(new URL(h.baseUrl).port);
    const connection = (first: number) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let next = first;
        let awaited = 0;
        let carry = '';
        const writeBatch = () => {
          const batch: string[] = [];
          for (; next < to && batch.length < BATCH; next += CONNECTIONS) batch.push(raw(f.body(next), f.headers(next)));
          awaited = batch.length;
          if (awaited === 0) return void socket.end(resolve);
          socket.write(batch.join(''));
        };
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          const text = carry + chunk;
          let last = 0;
          for (const m of text.matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
            const status = Number(m[1]);
            statuses[status] = (statuses[status] ?? 0) + 1;
            last = m.index + m[0].length;
            awaited -= 1;
          }
          carry = text.slice(Math.max(last, text.length - 16));
          if (awaited === 0) writeBatch();
        });
        socket.on('error', reject);
        socket.on('connect', writeBatch);
      });
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => connection(from + c)));
    return statuses;
  }

  const guardEntries = async () => {
    const res = await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return sampleValue(parsePrometheus(await res.text()), 'slack_replay_guard_entries');
  };

  /** Runs a flood after a warm-up of the same kind, and returns its statuses and how far the heap grew. */
  async function measure(f: Flood): Promise<{ statuses: Record<number, number>; grewMb: number }> {
    await send(f, REQUESTS, REQUESTS + 400);
    const before = heapAfterGc();
    const statuses = await send(f, 0, REQUESTS);
    await h.idle();
    return { statuses, grewMb: (heapAfterGc() - before) / 2 ** 20 };
  }

  const now = () => String(Math.floor(Date.now() / 1000));

  it(
    'answers ssl_check with a 15,000-character signature at once and keeps nothing of it',
    async () => {
      const { statuses, grewMb } = await measure({
        body: () => 'ssl_check=1',
        headers: (i) => ({ 'x-slack-signature': hugeSignature(i), 'x-slack-request-timestamp': now() }),
      });
      console.log(`ssl_check with huge signatures: ${JSON.stringify(statuses)}, heap grew ${grewMb.toFixed(1)} MB`);
      expect(statuses).toEqual({ 401: REQUESTS });
      expect(grewMb).toBeLessThan(10);
      expect(await guardEntries()).toBe(0);
    },
    FLOOD_TIMEOUT_MS,
  );

  it(
    'keeps nothing of valid-looking v0= signatures that are not ours, on ssl_check, commands or unsigned',
    async () => {
      const command = new URLSearchParams(
        slashCommandFields({ text: 'help', user: CSM, team: TEAM, responseUrl: h.slack.responseUrl('flood') }),
      ).toString();
      const { statuses, grewMb } = await measure({
        body: (i) => (i % 3 === 0 ? command : 'ssl_check=1'),
        headers: (i): Record<string, string> =>
          i % 3 === 2
            ? {}
            : { 'x-slack-signature': `v0=${randomBytes(32).toString('hex')}`, 'x-slack-request-timestamp': now() },
      });
      console.log(`valid-looking signatures: ${JSON.stringify(statuses)}, heap grew ${grewMb.toFixed(1)} MB`);
      // Commands with a wrong HMAC are refused; ssl_check is answered as Slack expects, signed or not.
      expect(statuses[401]).toBe(Math.ceil(REQUESTS / 3));
      expect(statuses[200]).toBe(REQUESTS - Math.ceil(REQUESTS / 3));
      expect(grewMb).toBeLessThan(10);
      expect(await guardEntries()).toBe(0);
    },
    FLOOD_TIMEOUT_MS,
  );

  it('still serves a genuine command afterwards, and remembers that one', async () => {
    const res = await h.command('help');
    expect(res.status).toBe(200);
    expect(await guardEntries()).toBe(1);
  });
});
