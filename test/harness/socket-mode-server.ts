import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Slack's Socket Mode endpoint: the WebSocket the app opens after
 * `apps.connections.open`. Just enough of RFC 6455 for it (unfragmented text frames, close, ping):
 * it says `hello`, sends envelopes, and collects the app's acks by envelope id.
 */
export interface SocketModeServer {
  url: string;
  connected: Promise<void>;
  send(envelope: { type: string; payload: unknown; accepts_response_payload?: boolean }): string;
  ackFor(envelopeId: string, timeoutMs?: number): Promise<{ envelope_id: string; payload?: unknown }>;
  close(): Promise<void>;
}

function frame(opcode: number, data: Buffer): Buffer {
  const len = data.length;
  const header =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = 0x80 | opcode;
            h[1] = 127;
            h.writeBigUInt64BE(BigInt(len), 2);
            return h;
          })();
  return Buffer.concat([header, data]);
}

/** Client frames are masked; returns the decoded frames and what is left of the buffer. */
function readFrames(buffer: Buffer): { frames: Array<{ opcode: number; data: Buffer }>; rest: Buffer } {
  const frames: Array<{ opcode: number; data: Buffer }> = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = buffer[offset]! & 0x0f;
    let len = buffer[offset + 1]! & 0x7f;
    let pos = offset + 2;
    if (len === 126) {
      if (buffer.length < pos + 2) break;
      len = buffer.readUInt16BE(pos);
      pos += 2;
    } else if (len === 127) {
      if (buffer.length < pos + 8) break;
      len = Number(buffer.readBigUInt64BE(pos));
      pos += 8;
    }
    if (buffer.length < pos + 4 + len) break;
    const mask = buffer.subarray(pos, pos + 4);
    const data = Buffer.from(buffer.subarray(pos + 4, pos + 4 + len));
    for (let i = 0; i < data.length; i += 1) data[i]! ^= mask[i % 4]!;
    frames.push({ opcode, data });
    offset = pos + 4 + len;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export async function startSocketModeServer(): Promise<SocketModeServer> {
  const acks = new Map<string, { envelope_id: string; payload?: unknown }>();
  const waiters = new Map<string, (ack: { envelope_id: string; payload?: unknown }) => void>();
  let socket: Duplex | undefined;
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));

  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, sock: Duplex) => {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    sock.write(
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Accept: ${accept}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket = sock;
    let buffered: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([buffered, chunk]));
      buffered = rest;
      for (const f of frames) {
        if (f.opcode === 0x9) sock.write(frame(0xa, f.data));
        else if (f.opcode === 0x8) sock.end(frame(0x8, Buffer.alloc(0)));
        else if (f.opcode === 0x1) {
          const ack = JSON.parse(f.data.toString('utf8')) as { envelope_id: string; payload?: unknown };
          acks.set(ack.envelope_id, ack);
          waiters.get(ack.envelope_id)?.(ack);
        }
      }
    });
    sock.on('error', () => undefined);
    sock.write(
      frame(
        0x1,
        Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0PIVOTAL' } })),
      ),
    );
    onConnected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/link`,
    connected,
    send: (envelope) => {
      if (!socket) throw new Error('no Socket Mode connection yet');
      const envelopeId = randomBytes(8).toString('hex');
      socket.write(
        frame(
          0x1,
          Buffer.from(JSON.stringify({ envelope_id: envelopeId, accepts_response_payload: true, ...envelope })),
        ),
      );
      return envelopeId;
    },
    ackFor: (envelopeId, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const done = acks.get(envelopeId);
        if (done) return resolve(done);
        const timer = setTimeout(() => reject(new Error(`no ack for envelope ${envelopeId}`)), timeoutMs);
        waiters.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
