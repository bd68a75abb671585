import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openCsv } from './csv-file.js';
import { openFvecs } from './fvecs-file.js';
import { openHdf5 } from './hdf5-file.js';
import { openNpy } from './npy-file.js';
import { openParquet } from './parquet-file.js';
import type { DatasetFormat, VectorFile } from './vector-file.js';

/** The file keys of a configured dataset, with paths already absolute. */
export interface DatasetFileSpec {
  format: DatasetFormat;
  path: string;
  test_path?: string;
  neighbors_path?: string;
  vector_column: string;
}

/** Caller closes it. */
export function openVectorFile(s: DatasetFileSpec): Promise<VectorFile> {
  switch (s.format) {
    case 'hdf5':
      return openHdf5(s.path);
    case 'fvecs':
      return openFvecs(s.path, s.test_path, s.neighbors_path);
    case 'npy':
      return openNpy(s.path, s.test_path, s.neighbors_path);
    case 'parquet':
      return openParquet(s.path, s.vector_column, s.test_path);
    case 'csv':
      return openCsv(s.path, s.vector_column, s.test_path);
  }
}

const digests = new Map<string, Promise<string>>();

/**
 * sha256 of a file's bytes, streamed (64 KiB reads). Memoised per process by (path, size, mtime):
 * a stage hashes each file once. The dataset id is built from it, so a changed file is another
 * dataset.
 */
export async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const st = await stat(path);
  const key = `${path}\0${st.size}\0${st.mtimeMs}`;
  let p = digests.get(key);
  if (!p) {
    p = new Promise<string>((resolve, reject) => {
      const h = createHash('sha256');
      createReadStream(path, { highWaterMark: 1 << 20 })
        .on('data', (d) => h.update(d))
        .on('error', reject)
        .on('end', () => resolve(h.digest('hex')));
    });
    digests.set(key, p);
  }
  return { sha256: await p, bytes: st.size };
}
