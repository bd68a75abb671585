import { open } from 'node:fs/promises';
import { DatasetFileError, asFloat32, type VectorFile } from './vector-file.js';

/**
 * The ann-benchmarks HDF5 layout (github.com/erikbern/ann-benchmarks, "Data sets"): datasets
 * `train` (N × d float), `test` (Q × d float), `neighbors` (Q × K int, 0-based train rows, nearest
 * first), `distances` (Q × K), and a root attribute `distance` (angular | euclidean | ...).
 *
 * Read with h5wasm (the HDF5 C library compiled to WebAssembly; its Node build reads the file in
 * place through the real file system), chosen because it is the maintained HDF5 reader for
 * JavaScript that needs no native build. `slice()` is an HDF5 hyperslab read: only the rows
 * asked for are read from disk.
 */
type H5 = typeof import('h5wasm/node');
let ready: Promise<H5> | undefined;
async function h5(): Promise<H5> {
  ready ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return ready;
}

type H5Dataset = import('h5wasm/node').Dataset;

function matrix(file: import('h5wasm/node').File, name: string, path: string, required: boolean): H5Dataset | undefined {
  const e = file.keys().includes(name) ? file.get(name) : undefined;
  if (!e) {
    if (required) throw new DatasetFileError(`${path}: no dataset \`${name}\` at the root; an ann-benchmarks file holds train, test, neighbors, distances (found: ${file.keys().join(', ') || 'nothing'})`);
    return undefined;
  }
  const d = e as H5Dataset;
  if (!Array.isArray(d.shape) || d.shape.length !== 2) throw new DatasetFileError(`${path}: \`${name}\` has shape ${JSON.stringify(d.shape)}; expected a 2-D matrix (rows × columns)`);
  return d;
}

/**
 * The HDF5 format signature, at offset 0 or — after a user block — 512, 1024, 2048, …
 * (HDF5 File Format Specification, "Format Signature"). Checked first: h5wasm given another kind
 * of file returns an invalid handle and prints the C library's error stack instead of throwing.
 */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
async function hasHdf5Signature(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const b = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await fh.read(b, 0, 8, at);
      if (b.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

export async function openHdf5(path: string): Promise<VectorFile> {
  if (!(await hasHdf5Signature(path))) throw new DatasetFileError(`${path}: not a readable HDF5 file (no HDF5 signature); for another format set dataset.format`);
  const m = await h5();
  let file: import('h5wasm/node').File;
  try {
    file = new m.File(path, 'r');
  } catch (err) {
    throw new DatasetFileError(`${path}: not a readable HDF5 file (${(err as Error).message})`);
  }
  try {
    const train = matrix(file, 'train', path, true)!;
    const test = matrix(file, 'test', path, false);
    const neighbors = matrix(file, 'neighbors', path, false);
    const [rows, dims] = train.shape as [number, number];
    if (test && test.shape![1] !== dims) throw new DatasetFileError(`${path}: \`test\` has ${test.shape![1]} columns, \`train\` ${dims}; they must match`);
    for (const [n, d] of [['train', train], ['test', test]] as const) {
      // HDF5 type class 1 is H5T_FLOAT; size in bytes.
      if (d && !(d.metadata.type === 1 && (d.metadata.size === 4 || d.metadata.size === 8))) throw new DatasetFileError(`${path}: \`${n}\` has element type ${JSON.stringify(d.dtype)} (${d.metadata.size} bytes); expected float32 or float64`);
    }
    const attr = file.attrs['distance']?.value;
    const slice = (d: H5Dataset, from: number, to: number) => d.slice([[from, to]]) as ArrayLike<number>;
    // 1-D root datasets with one element per train row: metadata columns (e.g. `label`, `category`).
    const columns = file.keys().filter((k) => {
      const e = file.get(k) as H5Dataset | undefined;
      return !!e && Array.isArray(e.shape) && e.shape.length === 1 && e.shape[0] === rows;
    });
    let closed = false;
    return {
      format: 'hdf5', rows, dims, testRows: test?.shape![0] ?? 0, neighborsK: neighbors?.shape![1] ?? 0,
      metric: typeof attr === 'string' ? attr : null,
      readTrain: async (from, to) => asFloat32(slice(train, from, to)),
      readTest: async (from, to) => asFloat32(slice(test!, from, to)),
      readNeighbors: async (from, to) => Int32Array.from(slice(neighbors!, from, to)),
      columns,
      readColumn: async (name, from, to) => Array.from((file.get(name) as H5Dataset).slice([[from, to]]) as ArrayLike<unknown>),
      async close() {
        if (closed) return;
        closed = true;
        file.close();
      },
    };
  } catch (err) {
    file.close();
    throw err;
  }
}
