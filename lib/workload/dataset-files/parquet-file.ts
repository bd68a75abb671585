import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, type FileMetaData } from 'hyparquet';
import { DatasetFileError, type VectorFile } from './vector-file.js';

/**
 * Parquet with one list<float|double> column holding each row's vector (`vector_column`), read with
 * hyparquet — pure JavaScript, no native build, maintained, reads only the row groups and column
 * chunks asked for. One row group is decoded at a time and kept until the reads move past it, so
 * memory stays at one row group (≤ 100,000 rows at hyparquet-writer's default size).
 */
interface Table {
  rows: number;
  dims: number;
  /** Top-level columns other than the vector column. */
  others: string[];
  read(from: number, to: number): Promise<Float32Array>;
  /** One column's values for rows [from, to), in one read (metadata columns: a few bytes a row). */
  readColumn(name: string, from: number, to: number): Promise<unknown[]>;
}

/** Names of the root's children in the flattened schema (a list column's inner elements skipped). */
function topLevelColumns(md: FileMetaData): string[] {
  const names: string[] = [];
  let i = 1;
  const skip = (): void => {
    const n = md.schema[i++]?.num_children ?? 0;
    for (let c = 0; c < n; c++) skip();
  };
  for (let c = 0; c < (md.schema[0]?.num_children ?? 0); c++) {
    names.push(md.schema[i]!.name);
    skip();
  }
  return names;
}

async function table(path: string, column: string): Promise<Table> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let md: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    md = await parquetMetadataAsync(file);
  } catch (err) {
    throw new DatasetFileError(`${path}: not a readable Parquet file (${(err as Error).message})`);
  }
  const top = md.schema.filter((s, i) => i > 0 && s.name === column);
  if (!top.length) throw new DatasetFileError(`${path}: no column \`${column}\` (columns: ${md.schema.slice(1).map((s) => s.name).join(', ')}); set dataset.vector_column`);
  const starts: number[] = [];
  let total = 0;
  for (const g of md.row_groups) {
    starts.push(total);
    total += Number(g.num_rows);
  }
  let cached: { first: number; data: number[][] } | undefined;
  const group = async (g: number): Promise<{ first: number; data: number[][] }> => {
    if (cached && cached.first === starts[g]) return cached;
    const first = starts[g]!;
    const end = first + Number(md.row_groups[g]!.num_rows);
    let data: number[][] = [];
    await parquetRead({ file, metadata: md, columns: [column], rowStart: first, rowEnd: end, onComplete: (rows) => (data = (rows as unknown[][]).map((r) => r[0] as number[])) });
    const c = { first, data };
    cached = c;
    return c;
  };
  const firstRow = total ? (await group(0)).data[0] : undefined;
  if (total && (!Array.isArray(firstRow) || typeof firstRow[0] !== 'number')) throw new DatasetFileError(`${path}: column \`${column}\` does not hold lists of numbers (first value ${JSON.stringify(firstRow)?.slice(0, 80)})`);
  const dims = firstRow?.length ?? 0;
  return {
    rows: total,
    dims,
    others: topLevelColumns(md).filter((n) => n !== column),
    async readColumn(name, from, to) {
      let out: unknown[] = [];
      await parquetRead({ file, metadata: md, columns: [name], rowStart: from, rowEnd: to, onComplete: (rows) => (out = (rows as unknown[][]).map((r) => r[0])) });
      return out;
    },
    async read(from, to) {
      const out = new Float32Array((to - from) * dims);
      let g = 0;
      for (let r = from; r < to; r++) {
        while (g + 1 < starts.length && starts[g + 1]! <= r) g++;
        const v = (await group(g)).data[r - starts[g]!];
        if (!v || v.length !== dims) throw new DatasetFileError(`${path}: row ${r} of \`${column}\` has ${v?.length ?? 'no'} elements, the first row ${dims}`);
        out.set(v, (r - from) * dims);
      }
      return out;
    },
  };
}

export async function openParquet(path: string, column: string, testPath?: string): Promise<VectorFile> {
  const train = await table(path, column);
  const test = testPath ? await table(testPath, column) : undefined;
  if (test && test.dims !== train.dims) throw new DatasetFileError(`${testPath}: ${test.dims} dimensions, the train file ${train.dims}; they must match`);
  return {
    format: 'parquet', rows: train.rows, dims: train.dims, testRows: test?.rows ?? 0, neighborsK: 0, metric: null,
    readTrain: (a, b) => train.read(a, b),
    readTest: (a, b) => test!.read(a, b),
    readNeighbors: async () => new Int32Array(0),
    columns: train.others,
    readColumn: (name, a, b) => train.readColumn(name, a, b),
    async close() {},
  };
}
