import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { writeAnnHdf5 } from '../../scripts/make-ann-hdf5.js';

/**
 * Small vector files written byte by byte in each supported format (or with the format's own
 * writer: h5wasm, hyparquet-writer), all holding the same matrices, for the reader tests.
 */
export interface Matrices {
  dims: number;
  train: Float32Array;
  test: Float32Array;
  /** 0-based, k per test row. */
  neighbors: Int32Array;
  k: number;
}

/** .fvecs / .ivecs: per row int32 d, then d float32 / int32, little-endian (TEXMEX). */
export function vecsBytes(m: Float32Array | Int32Array, cols: number): Buffer {
  const rows = m.length / cols;
  const b = Buffer.alloc(rows * (4 + 4 * cols));
  for (let r = 0; r < rows; r++) {
    const o = r * (4 + 4 * cols);
    b.writeInt32LE(cols, o);
    for (let c = 0; c < cols; c++) {
      if (m instanceof Int32Array) b.writeInt32LE(m[r * cols + c]!, o + 4 + 4 * c);
      else b.writeFloatLE(m[r * cols + c]!, o + 4 + 4 * c);
    }
  }
  return b;
}

/** .npy 1.0: magic, version, uint16 header length, dict padded with spaces to a multiple of 64, '\n'. */
export function npyBytes(m: Float32Array | Float64Array | Int32Array, rows: number, cols: number, o: { fortran?: boolean } = {}): Buffer {
  const descr = m instanceof Float64Array ? '<f8' : m instanceof Int32Array ? '<i4' : '<f4';
  let dict = `{'descr': '${descr}', 'fortran_order': ${o.fortran ? 'True' : 'False'}, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  dict = dict + ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(m.buffer, m.byteOffset, m.byteLength)]);
}

const rowsOf = (m: Float32Array, dims: number) => Array.from({ length: m.length / dims }, (_, r) => Array.from(m.subarray(r * dims, (r + 1) * dims)));

/** pgvector's text form of a row; float32 values print exactly enough to read back the same float32. */
const vectorText = (v: number[]) => `[${v.join(',')}]`;

export async function writeAllFormats(dir: string, m: Matrices): Promise<Record<'hdf5' | 'fvecs' | 'npy' | 'parquet' | 'csv', { path: string; test_path?: string; neighbors_path?: string }>> {
  const p = (f: string) => join(dir, f);
  await writeAnnHdf5(p('d.hdf5'), { train: m.train, test: m.test, dims: m.dims, neighbors: m.neighbors, distances: new Float32Array(m.neighbors.length), k: m.k, metric: 'euclidean' });
  await writeFile(p('base.fvecs'), vecsBytes(m.train, m.dims));
  await writeFile(p('query.fvecs'), vecsBytes(m.test, m.dims));
  await writeFile(p('gt.ivecs'), vecsBytes(m.neighbors, m.k));
  await writeFile(p('train.npy'), npyBytes(m.train, m.train.length / m.dims, m.dims));
  await writeFile(p('test.npy'), npyBytes(Float64Array.from(m.test), m.test.length / m.dims, m.dims));
  await writeFile(p('neighbors.npy'), npyBytes(m.neighbors, m.neighbors.length / m.k, m.k));
  const schema = (n: number) => [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'embedding', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
  ].map((e) => ({ ...e })) as never;
  for (const [file, mat] of [['train.parquet', m.train], ['test.parquet', m.test]] as const) {
    const rows = rowsOf(mat, m.dims);
    // Row groups of 7 rows, so reads cross row-group boundaries.
    parquetWriteFile({ filename: p(file), columnData: [{ name: 'id', data: rows.map((_, i) => i + 1) }, { name: 'embedding', data: rows }], schema: schema(rows.length), rowGroupSize: 7 });
  }
  const csv = (mat: Float32Array) => `id,embedding\n${rowsOf(mat, m.dims).map((v, i) => `${i + 1},"${vectorText(v)}"`).join('\n')}\n`;
  await writeFile(p('train.csv'), csv(m.train));
  await writeFile(p('test.csv'), csv(m.test));
  return {
    hdf5: { path: p('d.hdf5') },
    fvecs: { path: p('base.fvecs'), test_path: p('query.fvecs'), neighbors_path: p('gt.ivecs') },
    npy: { path: p('train.npy'), test_path: p('test.npy'), neighbors_path: p('neighbors.npy') },
    parquet: { path: p('train.parquet'), test_path: p('test.parquet') },
    csv: { path: p('train.csv'), test_path: p('test.csv') },
  };
}
