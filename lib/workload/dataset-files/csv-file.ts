import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DatasetFileError, type VectorFile } from './vector-file.js';

/**
 * CSV with a header line. The vector is either one column (`vector_column`, default `embedding`)
 * holding pgvector's text form "[x1,x2,...]" (quoted, as it contains commas), or — when there is
 * no such column — every column, one component each. CSV has no index: rows are read forward
 * line by line; a read that goes back restarts from the top (seed, fingerprint and ground truth
 * each read in order, so this does not happen in a run).
 */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

interface Table {
  rows: number;
  dims: number;
  /** The other columns, when the vector is one column (otherwise every column is a component). */
  others: string[];
  read(from: number, to: number): Promise<Float32Array>;
  readColumn(name: string, from: number, to: number): Promise<unknown[]>;
  close(): Promise<void>;
}

async function table(path: string, column: string): Promise<Table> {
  let lines: AsyncIterator<string> | undefined;
  let rl: ReturnType<typeof createInterface> | undefined;
  let next = 0;
  let header: string[] = [];
  const restart = async () => {
    rl?.close();
    rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    lines = rl[Symbol.asyncIterator]();
    const h = await lines.next();
    if (h.done) throw new DatasetFileError(`${path}: empty CSV file (a header line is required)`);
    header = splitCsv(h.value);
    next = 0;
  };
  await restart();
  const col = header.indexOf(column);
  const parse = (line: string, row: number): number[] => {
    const f = splitCsv(line);
    const parts = col >= 0 ? (f[col] ?? '').trim().replace(/^\[|\]$/g, '').split(',') : f;
    const v = parts.map(Number);
    if (v.some((x) => !Number.isFinite(x))) throw new DatasetFileError(`${path}: line ${row + 2} holds a value that is not a finite number${col >= 0 ? ` in column \`${column}\`` : ` (no column \`${column}\`, so every column is read as a vector component)`}`);
    return v;
  };
  // One pass for the row count and dimension (CSV has no header for either).
  let rows = 0;
  let dims = 0;
  for (let r = await lines!.next(); !r.done; r = await lines!.next()) {
    if (r.value.trim() === '') continue;
    if (rows === 0) dims = parse(r.value, 0).length;
    rows++;
  }
  await restart();
  return {
    rows,
    dims,
    others: col >= 0 ? header.filter((_, i) => i !== col) : [],
    // Its own forward pass, so the vector reads keep their position. An empty field is missing (null).
    async readColumn(name, from, to) {
      const at = header.indexOf(name);
      const out: unknown[] = [];
      const own = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
      try {
        let row = -1; // the header line
        for await (const line of own) {
          if (row >= 0 && line.trim() === '') continue;
          if (row >= from && row < to) {
            const v = splitCsv(line)[at];
            out.push(v === undefined || v === '' ? null : v);
          }
          if (++row >= to) break;
        }
      } finally {
        own.close();
      }
      return out;
    },
    async read(from, to) {
      if (from < next) await restart();
      const out = new Float32Array((to - from) * dims);
      while (next < to) {
        const r = await lines!.next();
        if (r.done) throw new DatasetFileError(`${path}: ended at row ${next}, expected ${rows} rows`);
        if (r.value.trim() === '') continue;
        if (next >= from) {
          const v = parse(r.value, next);
          if (v.length !== dims) throw new DatasetFileError(`${path}: line ${next + 2} has ${v.length} components, the first row ${dims}`);
          out.set(v, (next - from) * dims);
        }
        next++;
      }
      return out;
    },
    async close() {
      rl?.close();
    },
  };
}

export async function openCsv(path: string, column: string, testPath?: string): Promise<VectorFile> {
  const train = await table(path, column);
  const test = testPath ? await table(testPath, column) : undefined;
  if (test && test.dims !== train.dims) throw new DatasetFileError(`${testPath}: ${test.dims} dimensions, the train file ${train.dims}; they must match`);
  return {
    format: 'csv', rows: train.rows, dims: train.dims, testRows: test?.rows ?? 0, neighborsK: 0, metric: null,
    readTrain: (a, b) => train.read(a, b),
    readTest: (a, b) => test!.read(a, b),
    readNeighbors: async () => new Int32Array(0),
    columns: train.others,
    readColumn: (name, a, b) => train.readColumn(name, a, b),
    async close() {
      await Promise.all([train.close(), test?.close()]);
    },
  };
}
