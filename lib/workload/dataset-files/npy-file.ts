import { open } from 'node:fs/promises';
import { matrixVectorFile, rawMatrix, type ElementType, type RawMatrix } from './raw-matrix.js';
import { DatasetFileError, type VectorFile } from './vector-file.js';

/**
 * NumPy's .npy format (numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic
 * "\x93NUMPY", a version (1.0: uint16 header length; 2.0/3.0: uint32), then a Python-literal
 * dict {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), } padded to 64 bytes, then the
 * raw data. This small parser of the documented header is used instead of npyjs, which reads the
 * whole file into one ArrayBuffer (a 4 GB file would not stream).
 */
export interface NpyHeader {
  descr: string;
  shape: number[];
  dataOffset: number;
}

export function parseNpyHeader(head: Buffer, path: string): NpyHeader {
  if (head.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new DatasetFileError(`${path}: not a .npy file (no \\x93NUMPY magic)`);
  const major = head[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  const len = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = 8 + lenBytes;
  if (head.length < start + len) throw new DatasetFileError(`${path}: .npy header of ${len} bytes is truncated`);
  const text = head.subarray(start, start + len).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shape === undefined) throw new DatasetFileError(`${path}: unreadable .npy header ${JSON.stringify(text.trim())}`);
  if (fortran === 'True') throw new DatasetFileError(`${path}: fortran_order is True (column-major); save it with numpy.ascontiguousarray() first`);
  return { descr, shape: shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number), dataOffset: start + len };
}

async function npyMatrix(path: string, element: 'float' | 'int'): Promise<RawMatrix> {
  const fh = await open(path, 'r');
  let h: NpyHeader;
  try {
    const head = Buffer.alloc(65_536 + 12);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    h = parseNpyHeader(head.subarray(0, bytesRead), path);
  } finally {
    await fh.close();
  }
  const types: Record<string, ElementType> = element === 'float' ? { '<f4': 'f4', '<f8': 'f8' } : { '<i4': 'i4' };
  const t = types[h.descr];
  if (!t) throw new DatasetFileError(`${path}: element type ${h.descr}; expected ${Object.keys(types).join(' or ')} (little-endian)`);
  if (h.shape.length !== 2) throw new DatasetFileError(`${path}: shape (${h.shape.join(', ')}); expected a 2-D matrix (rows, dims)`);
  return rawMatrix(path, { offset: h.dataOffset, rows: h.shape[0]!, cols: h.shape[1]!, rowPrefix: 0, element: t });
}

export async function openNpy(path: string, testPath?: string, neighborsPath?: string): Promise<VectorFile> {
  const train = await npyMatrix(path, 'float');
  const test = testPath ? { m: await npyMatrix(testPath, 'float'), path: testPath } : undefined;
  const neighbors = neighborsPath ? { m: await npyMatrix(neighborsPath, 'int'), path: neighborsPath } : undefined;
  return matrixVectorFile('npy', train, test, neighbors);
}
