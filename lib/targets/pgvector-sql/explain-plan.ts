import type { PlanAccess } from '../plan-access.js';

/** The part of a PostgreSQL `EXPLAIN (FORMAT JSON)` plan node this reader uses. */
interface PgPlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Order By'?: string;
  'Sort Key'?: string[];
  Plans?: PgPlanNode[];
}

/** pgvector's distance operators: L2, negative inner product, cosine, L1, Hamming, Jaccard. */
const DISTANCE_OPERATOR = /<->|<#>|<=>|<\+>|<~>|<%>/;

function nodes(n: PgPlanNode): PgPlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

const isScan = (n: PgPlanNode) => / Scan$/.test(n['Node Type']) && n['Node Type'] !== 'Bitmap Index Scan';

/** `seq scan`, `index: <name> (<method>)`, `index only: …`, `bitmap index: …` for one scan node. */
function describeScan(n: PgPlanNode, methods: Readonly<Record<string, string>>): string {
  const idx = (name: string | undefined) => `${name ?? '?'} (${(name && methods[name]) ?? 'access method unknown'})`;
  switch (n['Node Type']) {
    case 'Index Scan':
      return `index: ${idx(n['Index Name'])}`;
    case 'Index Only Scan':
      return `index only: ${idx(n['Index Name'])}`;
    case 'Bitmap Heap Scan':
      return `bitmap index: ${idx(nodes(n).find((c) => c['Node Type'] === 'Bitmap Index Scan')?.['Index Name'])}`;
    default:
      return n['Node Type'].toLowerCase();
  }
}

/**
 * How the vector ordering of one statement is served, from PostgreSQL's `EXPLAIN (FORMAT JSON)`
 * output (the JSON text as captured) and the access method of each index by name (from
 * INDEX_METHODS_SQL, captured with it). Pure: the report recomputes nothing from a database.
 *
 *  - a scan node with an index and an `Order By` on a distance operator: the index returns rows in
 *    distance order (only ordering-capable index methods do that: hnsw, ivfflat) → `index`;
 *  - otherwise a Sort (or Incremental Sort) whose key holds a distance operator → `sort`, named
 *    after the scan under it (a sequential scan when there is one: every row is read and scored);
 *  - no distance operator in the plan at all → `none`, named after its scans;
 *  - anything else (or text that is not such a plan) → `unknown`.
 */
export function classifyPostgresPlan(planJson: string, methods: Readonly<Record<string, string>>): PlanAccess {
  let root: PgPlanNode | undefined;
  try {
    root = (JSON.parse(planJson) as { Plan?: PgPlanNode }[])[0]?.Plan;
  } catch {
    root = undefined;
  }
  if (!root || typeof root['Node Type'] !== 'string') return { vector_order: 'unknown', access: 'unknown (not an EXPLAIN (FORMAT JSON) plan)' };
  const all = nodes(root);
  const byIndex = all.find((n) => n['Index Name'] !== undefined && DISTANCE_OPERATOR.test(n['Order By'] ?? ''));
  if (byIndex) return { vector_order: 'index', access: describeScan(byIndex, methods) };
  const sort = all.find((n) => /Sort$/.test(n['Node Type']) && (n['Sort Key'] ?? []).some((k) => DISTANCE_OPERATOR.test(k)));
  if (sort) {
    const scans = nodes(sort).filter(isScan);
    const scan = scans.find((n) => /Seq Scan$/.test(n['Node Type'])) ?? scans[0];
    return { vector_order: 'sort', access: `${scan ? describeScan(scan, methods) : 'scan'} + sort` };
  }
  if (!DISTANCE_OPERATOR.test(planJson)) {
    const scans = [...new Set(all.filter(isScan).map((n) => describeScan(n, methods)))];
    return { vector_order: 'none', access: scans.length ? scans.join(', ') : root['Node Type'].toLowerCase() };
  }
  return { vector_order: 'unknown', access: 'unknown (a distance operator, but neither an index order nor a sort)' };
}
