import { open } from 'node:fs/promises';
import { matrixVectorFile, rawMatrix, type ElementType, type RawMatrix } from './raw-matrix.js';
import { DatasetFileError, type VectorFile } from './vector-file.js';

/**
 * The TEXMEX layout (corpus-texmex.irisa.fr: SIFT1M, GIST1M): each vector is an int32 dimension d
 * followed by d float32 (.fvecs) or int32 (.ivecs), little-endian. A format this small is read by
 * hand (raw-matrix.ts) rather than through a dependency. The test set and the neighbour lists
 * (.ivecs, 0-based) are separate files: `test_path`, `neighbors_path`.
 */
async function vecs(path: string, element: ElementType): Promise<RawMatrix> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const cols = head.readInt32LE(0);
    if (size < 4 || cols <= 0 || cols > 65_535) throw new DatasetFileError(`${path}: first row declares ${cols} dimensions; not a .fvecs/.ivecs file`);
    const rowBytes = 4 + 4 * cols;
    if (size % rowBytes !== 0) throw new DatasetFileError(`${path}: ${size} bytes is not a whole number of ${cols}-dimensional rows (${rowBytes} bytes each)`);
    await fh.close();
    return await rawMatrix(path, { offset: 0, cols, rows: size / rowBytes, rowPrefix: 4, element });
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
}

export async function openFvecs(path: string, testPath?: string, neighborsPath?: string): Promise<VectorFile> {
  const train = await vecs(path, 'f4');
  const test = testPath ? { m: await vecs(testPath, 'f4'), path: testPath } : undefined;
  const neighbors = neighborsPath ? { m: await vecs(neighborsPath, 'i4'), path: neighborsPath } : undefined;
  return matrixVectorFile('fvecs', train, test, neighbors);
}
