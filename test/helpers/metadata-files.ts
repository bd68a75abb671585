import { writeFile } from 'node:fs/promises';
import { parquetWriteFile } from 'hyparquet-writer';

/**
 * Small corpus files with label and category columns beside the vector (parquet with
 * hyparquet-writer, csv by hand), for the metadata-from-columns tests (docs/own-data.md).
 */
export interface MetadataCorpus {
  dims: number;
  /** rows × dims, row-major. */
  train: Float32Array;
  labels: (string | number | null)[];
  categories: (string | number | null)[];
}

const rowsOf = (m: Float32Array, dims: number) => Array.from({ length: m.length / dims }, (_, r) => Array.from(m.subarray(r * dims, (r + 1) * dims)));

/** Columns id, embedding (list<float>), label, category; `types` say how label and category are stored. */
export function writeMetadataParquet(path: string, c: MetadataCorpus, types: { label: 'STRING' | 'INT32'; category: 'STRING' | 'INT32' | 'DOUBLE' } = { label: 'STRING', category: 'STRING' }): void {
  const rows = rowsOf(c.train, c.dims);
  const leaf = (name: string, t: string) =>
    t === 'STRING' ? { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } : { name, type: t, repetition_type: 'OPTIONAL' };
  const schema = [
    { name: 'root', num_children: 4 },
    { name: 'id', type: 'INT32', repetition_type: 'REQUIRED' },
    { name: 'embedding', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    leaf('label', types.label),
    leaf('category', types.category),
  ] as never;
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'id', data: rows.map((_, i) => i + 1) },
      { name: 'embedding', data: rows },
      { name: 'label', data: c.labels },
      { name: 'category', data: c.categories },
    ],
    schema,
    // Row groups of 64 rows, so the column reads cross row-group boundaries.
    rowGroupSize: 64,
  });
}

/** Just the vectors (a test set): one `embedding` column. */
export function writeVectorsParquet(path: string, m: Float32Array, dims: number): void {
  const rows = rowsOf(m, dims);
  const schema = [
    { name: 'root', num_children: 1 },
    { name: 'embedding', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
  ] as never;
  parquetWriteFile({ filename: path, columnData: [{ name: 'embedding', data: rows }], schema });
}

/** Header `id,label,embedding,category` (metadata on both sides of the vector); null → empty field. */
export async function writeMetadataCsv(path: string, c: MetadataCorpus): Promise<void> {
  const field = (v: string | number | null) => (v === null ? '' : /[",]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = rowsOf(c.train, c.dims).map((v, i) => `${i + 1},${field(c.labels[i]!)},"[${v.join(',')}]",${field(c.categories[i]!)}`);
  await writeFile(path, `id,label,embedding,category\n${lines.join('\n')}\n`);
}

export async function writeVectorsCsv(path: string, m: Float32Array, dims: number): Promise<void> {
  await writeFile(path, `embedding\n${rowsOf(m, dims).map((v) => `"[${v.join(',')}]"`).join('\n')}\n`);
}
