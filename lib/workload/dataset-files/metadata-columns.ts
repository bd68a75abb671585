import { DatasetFileError, type VectorFile } from './vector-file.js';
import { WRITTEN_LABEL_PREFIX } from '../queries.js';

/**
 * Reading a file's label and category columns (docs/own-data.md, "Metadata from columns").
 *
 * Limits, and why:
 *  - at most MAX_METADATA_CHARS characters: the IRIS dialect's columns are VARCHAR(64), and every
 *    path must load the same rows;
 *  - at most MAX_CATEGORIES distinct categories: the exact ground truth keeps k ids per query and
 *    category (and a candidate list per category while scanning), stored with the dataset;
 *  - labels must not start with WRITTEN_LABEL_PREFIX: that prefix is how the write undo finds the
 *    labels update_metadata wrote.
 * A value is a string or an integer (stored as its decimal text); anything else, or a missing
 * value, is an error naming the file, the column and the row.
 */
export const MAX_CATEGORIES = 100;
export const MAX_METADATA_CHARS = 64;

export interface MetadataColumns {
  /** labels[r] of train row r (id r + 1), or null: generated. */
  labels: string[] | null;
  /** Category names (sorted by code unit, so the order does not depend on the rows' order) and each row's index, or null: generated. */
  categories: { names: string[]; index: Uint16Array } | null;
}

/** `key` names the config key in messages (dataset.label_column). */
function text(v: unknown, path: string, column: string, key: string, row: number): string {
  const where = `${path}: column \`${column}\` (dataset.${key}), row ${row}`;
  if (v === null || v === undefined) throw new DatasetFileError(`${where} is empty; every row needs a value (fill it, or set dataset.${key}: false to generate this field)`);
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) s = String(v);
  else throw new DatasetFileError(`${where} holds ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)?.slice(0, 40)} (${typeof v === 'number' ? 'a fractional number' : `a ${typeof v}`}); values must be strings or integers`);
  if (s === '') throw new DatasetFileError(`${where} is an empty string; every row needs a value`);
  if (s.length > MAX_METADATA_CHARS) throw new DatasetFileError(`${where} has ${s.length} characters; at most ${MAX_METADATA_CHARS} (the IRIS dialect's VARCHAR(${MAX_METADATA_CHARS}))`);
  return s;
}

/** Rows [0, rows) of the named columns; null column names are skipped (generated). */
export async function readMetadataColumns(file: VectorFile, path: string, rows: number, labelColumn: string | null, categoryColumn: string | null): Promise<MetadataColumns> {
  for (const [key, col] of [['label_column', labelColumn], ['category_column', categoryColumn]] as const) {
    if (col !== null && !file.columns.includes(col)) {
      const have = file.columns.length ? `its columns besides the vector: ${file.columns.join(', ')}` : `a ${file.format} file${file.format === 'csv' ? ' whose vector is not one column' : ''} has no named columns`;
      throw new DatasetFileError(`${path}: no column \`${col}\` for dataset.${key} (${have})`);
    }
  }
  let labels: string[] | null = null;
  if (labelColumn !== null) {
    const raw = await file.readColumn(labelColumn, 0, rows);
    labels = raw.map((v, r) => {
      const s = text(v, path, labelColumn, 'label_column', r);
      if (s.startsWith(WRITTEN_LABEL_PREFIX)) throw new DatasetFileError(`${path}: column \`${labelColumn}\` (dataset.label_column), row ${r}: label ${JSON.stringify(s)} starts with "${WRITTEN_LABEL_PREFIX}", which marks labels written by update_metadata (docs/writes.md); rename it`);
      return s;
    });
  }
  let categories: MetadataColumns['categories'] = null;
  if (categoryColumn !== null) {
    const values = (await file.readColumn(categoryColumn, 0, rows)).map((v, r) => text(v, path, categoryColumn, 'category_column', r));
    const distinct = new Set(values);
    if (distinct.size > MAX_CATEGORIES) throw new DatasetFileError(`${path}: column \`${categoryColumn}\` (dataset.category_column) has ${distinct.size.toLocaleString('en-US')} distinct values in the ${rows.toLocaleString('en-US')} rows loaded; at most ${MAX_CATEGORIES} categories are supported (is it the right column? dataset.category_column: false generates categories)`);
    const names = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const at = new Map(names.map((n, i) => [n, i]));
    categories = { names, index: Uint16Array.from(values, (v) => at.get(v)!) };
  }
  return { labels, categories };
}
