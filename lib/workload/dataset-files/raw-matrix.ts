import { open, type FileHandle } from 'node:fs/promises';
import { DatasetFileError, asFloat32, type VectorFile } from './vector-file.js';

/**
 * A row-major matrix of fixed-size rows at a byte offset of a file, read by row range with
 * positioned reads (nothing else held in memory). `rowPrefix` bytes before each row (fvecs: the
 * int32 dimension) are skipped; element type float32, float64 or int32, little-endian.
 */
export interface RawMatrix {
  rows: number;
  cols: number;
  read(from: number, to: number): Promise<Float32Array | Float64Array | Int32Array>;
  close(): Promise<void>;
}

export type ElementType = 'f4' | 'f8' | 'i4';

export async function rawMatrix(path: string, o: { offset: number; cols: number; rows: number; rowPrefix: number; element: ElementType; handle?: FileHandle }): Promise<RawMatrix> {
  const fh = o.handle ?? (await open(path, 'r'));
  const width = o.element === 'f8' ? 8 : 4;
  const rowBytes = o.rowPrefix + o.cols * width;
  let closed = false;
  return {
    rows: o.rows,
    cols: o.cols,
    async read(from, to) {
      if (from < 0 || to > o.rows || from > to) throw new DatasetFileError(`${path}: rows [${from}, ${to}) are outside 0..${o.rows}`);
      const n = to - from;
      const buf = Buffer.allocUnsafe(n * rowBytes);
      const { bytesRead } = await fh.read(buf, 0, buf.length, o.offset + from * rowBytes);
      if (bytesRead !== buf.length) throw new DatasetFileError(`${path}: truncated (wanted ${buf.length} bytes at offset ${o.offset + from * rowBytes}, got ${bytesRead})`);
      const out = o.element === 'f8' ? new Float64Array(n * o.cols) : o.element === 'i4' ? new Int32Array(n * o.cols) : new Float32Array(n * o.cols);
      for (let r = 0; r < n; r++) {
        const base = r * rowBytes;
        if (o.rowPrefix === 4 && buf.readInt32LE(base) !== o.cols) throw new DatasetFileError(`${path}: row ${from + r} declares ${buf.readInt32LE(base)} dimensions, the first row ${o.cols}; every row of a .fvecs/.ivecs file must have the same`);
        for (let c = 0; c < o.cols; c++) {
          const at = base + o.rowPrefix + c * width;
          out[r * o.cols + c] = o.element === 'f8' ? buf.readDoubleLE(at) : o.element === 'i4' ? buf.readInt32LE(at) : buf.readFloatLE(at);
        }
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!o.handle) await fh.close();
    },
  };
}

/**
 * A VectorFile of separate matrices (fvecs, npy): the train set, and optionally the test set and
 * its neighbour lists. Checks that the test set has the train set's dimensions and that there is
 * a neighbour list per test vector.
 */
export function matrixVectorFile(
  format: VectorFile['format'],
  train: RawMatrix,
  test?: { m: RawMatrix; path: string },
  neighbors?: { m: RawMatrix; path: string },
): VectorFile {
  if (test && test.m.cols !== train.cols) throw new DatasetFileError(`${test.path}: ${test.m.cols} dimensions, the train file ${train.cols}; they must match`);
  if (neighbors && test && neighbors.m.rows < test.m.rows) throw new DatasetFileError(`${neighbors.path}: ${neighbors.m.rows} neighbour lists for ${test.m.rows} test vectors`);
  return {
    format, rows: train.rows, dims: train.cols, testRows: test?.m.rows ?? 0, neighborsK: test && neighbors ? neighbors.m.cols : 0, metric: null,
    readTrain: async (a, b) => asFloat32(await train.read(a, b)),
    readTest: async (a, b) => asFloat32(await test!.m.read(a, b)),
    readNeighbors: async (a, b) => (await neighbors!.m.read(a, b)) as Int32Array,
    // A bare matrix has no named columns: metadata of fvecs and npy datasets is generated.
    columns: [],
    readColumn: async (name) => {
      throw new DatasetFileError(`a ${format} file has no column \`${name}\``);
    },
    async close() {
      await Promise.all([train.close(), test?.m.close(), neighbors?.m.close()]);
    },
  };
}
