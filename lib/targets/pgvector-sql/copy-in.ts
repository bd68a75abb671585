import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_TRAILER, copyHeader } from './copy-binary.js';

/**
 * One binary COPY FROM STDIN for all chunks, shared by every pg-based server target. Writing
 * respects back-pressure: while the socket drains, the server ingests and this process is free to
 * generate the next chunk (two processes, two cores).
 */
export async function copyIn<T>(client: pg.Client, sql: string, chunks: Iterable<T> | AsyncIterable<T>, encode: (chunk: T) => Buffer, onChunk?: (chunk: T) => void): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  const write = async (buf: Buffer) => {
    if (!stream.write(buf)) await Promise.race([once(stream, 'drain'), failed]);
  };
  await write(copyHeader());
  for await (const chunk of chunks) {
    await write(encode(chunk));
    onChunk?.(chunk);
  }
  stream.end(COPY_TRAILER);
  await Promise.race([finished(stream), failed]);
}
