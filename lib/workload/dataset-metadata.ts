import { CATEGORY_COUNT, metadataFor, type MetadataRow } from './generator.js';

/**
 * The metadata (label, category) of a dataset's rows, wherever it comes from: the generator's
 * (label `vector_<id>`, category `category_<id mod 10>`), or a file's label and category columns
 * (docs/own-data.md). created_at is always the generator's. Seed loads it, the fingerprint hashes
 * it, the ground truth of vector_filter ranks within its categories, the parameter streams draw
 * labels and categories from it, and the write undo restores its labels.
 */
export interface DatasetMetadata {
  /** Category names in index order; vector_filter's parameter is one of them. */
  readonly categories: readonly string[];
  /**
   * Category index of row id at [id − 1], when the categories come from a file; absent, the
   * category index of row id is id mod categories.length (the generator's rule).
   */
  readonly rowCategories?: Uint16Array;
  labelOf(id: number): string;
  row(id: number): MetadataRow;
}

const GENERATED_CATEGORIES = Array.from({ length: CATEGORY_COUNT }, (_, c) => `category_${c}`);

/** The generator's metadata: what every dataset had before metadata columns were read. */
export const GENERATED_METADATA: DatasetMetadata = {
  categories: GENERATED_CATEGORIES,
  labelOf: (id) => metadataFor(id).label,
  row: metadataFor,
};

/**
 * Metadata from a file's columns; either may be absent (then that field is the generator's).
 * `labels[id − 1]`; `categories.index[id − 1]` into `categories.names`.
 */
export function fileMetadata(labels: readonly string[] | null, categories: { names: readonly string[]; index: Uint16Array } | null): DatasetMetadata {
  const names = categories?.names ?? GENERATED_CATEGORIES;
  const labelOf = labels ? (id: number) => labels[id - 1]! : (id: number) => metadataFor(id).label;
  const categoryOf = categories ? (id: number) => names[categories.index[id - 1]!]! : (id: number) => metadataFor(id).category;
  return {
    categories: names,
    ...(categories ? { rowCategories: categories.index } : {}),
    labelOf,
    row: (id) => ({ ...metadataFor(id), label: labelOf(id), category: categoryOf(id) }),
  };
}

/**
 * The category index of a vector_filter parameter in a ground truth's byCategory lists: its
 * position among the file's categories, or — generated categories — the n of `category_<n>`.
 */
export function categoryIndex(categories: readonly string[] | undefined, name: string): number {
  if (categories) {
    const i = categories.indexOf(name);
    if (i < 0) throw new Error(`vector_filter: category ${JSON.stringify(name)} is not among the dataset's ${categories.length} categories`);
    return i;
  }
  return Number(name.slice('category_'.length)) % CATEGORY_COUNT;
}

/**
 * A file's metadata, read once per process when the configuration is loaded
 * (lib/config/dataset-file.ts) and looked up by every later user of the same configuration: the
 * columns are held in memory (a label string and a 2-byte category index per row).
 */
const loaded = new Map<string, DatasetMetadata>();

export interface FileMetadataKey {
  path: string;
  sha256: readonly string[];
  label_column: string | null;
  category_column: string | null;
}

function keyOf(k: FileMetadataKey, rows: number): string {
  return JSON.stringify([k.path, k.sha256[0], k.label_column, k.category_column, rows]);
}

export function rememberFileMetadata(k: FileMetadataKey, rows: number, m: DatasetMetadata): void {
  loaded.set(keyOf(k, rows), m);
}

export function rememberedFileMetadata(k: FileMetadataKey, rows: number): DatasetMetadata | undefined {
  return loaded.get(keyOf(k, rows));
}
