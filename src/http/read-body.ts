import type { IncomingMessage } from 'node:http';

/**
 * The whole body, or null when it is bigger than `limit`. Past the limit the rest is still read and
 * dropped, never kept: cutting the connection instead would reach the sender as a reset rather than
 * the 413 that tells it why.
 */
export function readBodyUpTo(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}
