import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSha256, openVectorFile } from '../../lib/workload/dataset-files/open-file.js';
import { parseNpyHeader } from '../../lib/workload/dataset-files/npy-file.js';
import { DATASET_FORMATS, type DatasetFormat } from '../../lib/workload/dataset-files/vector-file.js';
import { SeededStream } from '../../lib/workload/prng.js';
import { npyBytes, vecsBytes, writeAllFormats, type Matrices } from '../helpers/vector-files.js';

/** Every reader, on files written in the test (byte-exact writers, h5wasm, hyparquet-writer), returns the same float32 rows. */

function matrices(): Matrices {
  const rng = new SeededStream(3, 'dataset-files');
  const dims = 5;
  const m = (rows: number) => Float32Array.from({ length: rows * dims }, () => Math.fround(rng.symmetric() * 3));
  const k = 4;
  return { dims, train: m(23), test: m(6), neighbors: Int32Array.from({ length: 6 * k }, () => rng.int(0, 22)), k };
}

describe('vector file readers', () => {
  let dir: string;
  let m: Matrices;
  let files: Awaited<ReturnType<typeof writeAllFormats>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-files-'));
    m = matrices();
    files = await writeAllFormats(dir, m);
  });

  it.each(DATASET_FORMATS.map((f) => [f]))('%s: shape, every train row (read in ranges crossing chunk boundaries), the test set, and the neighbour lists where the format carries them', async (format: DatasetFormat) => {
    const f = await openVectorFile({ format, vector_column: 'embedding', ...files[format] });
    try {
      expect([f.rows, f.dims, f.testRows]).toEqual([23, 5, 6]);
      const parts = [await f.readTrain(0, 3), await f.readTrain(3, 10), await f.readTrain(10, 23)];
      expect(Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(Array.from(m.train));
      expect(Array.from(await f.readTest(0, 6))).toEqual(Array.from(m.test));
      const carries = format === 'hdf5' || format === 'fvecs' || format === 'npy';
      expect(f.neighborsK).toBe(carries ? m.k : 0);
      if (carries) expect(Array.from(await f.readNeighbors(1, 3))).toEqual(Array.from(m.neighbors.subarray(m.k, 3 * m.k)));
      expect(f.metric).toBe(format === 'hdf5' ? 'euclidean' : null);
    } finally {
      await f.close();
      await f.close();
    }
  });

  it('csv re-reads from the top when a read goes back; a csv without the vector column reads every column as a component', async () => {
    const f = await openVectorFile({ format: 'csv', path: files.csv.path, vector_column: 'embedding' });
    expect(Array.from(await f.readTrain(20, 23))).toEqual(Array.from(m.train.subarray(100, 115)));
    expect(Array.from(await f.readTrain(0, 2))).toEqual(Array.from(m.train.subarray(0, 10)));
    await f.close();
    const plain = join(dir, 'plain.csv');
    await writeFile(plain, 'a,b,c\n1,2,3\n4,5,6.5\n');
    const g = await openVectorFile({ format: 'csv', path: plain, vector_column: 'embedding' });
    expect([g.rows, g.dims, Array.from(await g.readTrain(0, 2))]).toEqual([2, 3, [1, 2, 3, 4, 5, 6.5]]);
    await g.close();
  });

  it('the file hash is sha256 of the bytes', async () => {
    const p = join(dir, 'abc.bin');
    await writeFile(p, 'abc');
    expect(await fileSha256(p)).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', bytes: 3 });
  });

  it('bad files: each message names the file and what is wrong', async () => {
    const p = (n: string) => join(dir, n);
    await writeFile(p('cut.fvecs'), vecsBytes(m.train, m.dims).subarray(0, 50));
    await expect(openVectorFile({ format: 'fvecs', path: p('cut.fvecs'), vector_column: 'x' })).rejects.toThrow(/cut\.fvecs: 50 bytes is not a whole number of 5-dimensional rows \(24 bytes each\)/);
    await writeFile(p('f.npy'), npyBytes(m.train, 23, 5, { fortran: true }));
    await expect(openVectorFile({ format: 'npy', path: p('f.npy'), vector_column: 'x' })).rejects.toThrow(/f\.npy: fortran_order is True/);
    await writeFile(p('i.npy'), npyBytes(m.neighbors, 6, 4));
    await expect(openVectorFile({ format: 'npy', path: p('i.npy'), vector_column: 'x' })).rejects.toThrow(/i\.npy: element type <i4; expected <f4 or <f8/);
    await expect(openVectorFile({ format: 'hdf5', path: files.csv.path, vector_column: 'x' })).rejects.toThrow(/train\.csv: not a readable HDF5 file/);
    await expect(openVectorFile({ format: 'parquet', path: files.parquet.path, vector_column: 'vec' })).rejects.toThrow(/no column `vec` \(columns: id, embedding/);
    await writeFile(p('bad.csv'), 'embedding\n"[1,2]"\n"[1,x]"\n');
    const c = await openVectorFile({ format: 'csv', path: p('bad.csv'), vector_column: 'embedding' });
    await expect(c.readTrain(0, 2)).rejects.toThrow(/bad\.csv: line 3 holds a value that is not a finite number in column `embedding`/);
    await c.close();
  });

  it('parses the documented .npy header (versions 1.0 and 2.0)', () => {
    const one = npyBytes(new Float32Array(6), 2, 3);
    expect(parseNpyHeader(one, 'x')).toEqual({ descr: '<f4', shape: [2, 3], dataOffset: one.length - 24 });
    expect((one.length - 24) % 64).toBe(0);
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (7, 2), }\n";
    const two = Buffer.concat([Buffer.from('\x93NUMPY\x02\x00', 'latin1'), Buffer.alloc(4), Buffer.from(dict)]);
    two.writeUInt32LE(dict.length, 8);
    expect(parseNpyHeader(two, 'x')).toEqual({ descr: '<f8', shape: [7, 2], dataOffset: 12 + dict.length });
    expect(() => parseNpyHeader(Buffer.from('PK\x03\x04'), 'z.npy')).toThrow(/z\.npy: not a \.npy file/);
  });
});
