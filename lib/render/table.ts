import type { AggregateRow } from '../store/aggregates.js';
import { CATEGORIES } from '../workload/queries.js';
import { BELOW_SCALE_NOTICE, targetOrder, verificationWarnings, type ReportData } from './report-data.js';

const fmtQps = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
const fmtMs = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

/** The 5-column table of the original: Method | QPS | P50 (ms) | P95 (ms) | P99 (ms). */
export function fiveColumnTable(rows: readonly { method: string; a: AggregateRow }[]): string {
  const header = ['Method', 'QPS', 'P50 (ms)', 'P95 (ms)', 'P99 (ms)'];
  const body = rows.map(({ method, a }) => [method, fmtQps(a.qps), fmtMs(a.p50_ms), fmtMs(a.p95_ms), fmtMs(a.p99_ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** table.txt: title block, overall table, per-category tables, failure notes. Also printed to the console. */
export function tableText(d: ReportData): string {
  const c = d.config;
  const order = targetOrder(d);
  const pick = (level: AggregateRow['level'], key: string) =>
    order.flatMap((t) => {
      const a = d.aggregates.find((x) => x.level === level && x.key === key && x.target === t);
      return a ? [{ method: t, a }] : [];
    });
  const out: string[] = [
    `pathbench report ${d.run.run_id}`,
    `timestamp:  ${d.run.created_at}`,
    `profile:    ${d.run.profile} — targets ${order.join(', ')}`,
    `dataset:    ${c.dataset_size.toLocaleString('en-US')} vectors × ${c.vector_dims} dims, seed ${c.seed} (${d.run.dataset_id})`,
    `workload:   ${c.iterations} iterations × 8 queries per target, warmup ${c.warmup} per query, k=${c.k}, hnsw.ef_search=${c.hnsw.ef_search}, vector params ${c.vector_param_format}`,
    `duration:   ${d.run.wall_ns === null ? 'n/a' : (d.run.wall_ns / 1e9).toFixed(1) + ' s'} (measured phase, all targets interleaved)`,
  ];
  if (d.run.below_production_scale === 1) out.push('', BELOW_SCALE_NOTICE);
  const warnings = verificationWarnings(d);
  if (warnings.length) {
    out.push('', '!'.repeat(78), `!!! ${warnings.length} VERIFICATION PROBLEM(S) — read before using any number below:`);
    for (const w of warnings) out.push(`!!! ${w}`);
    out.push('!'.repeat(78));
  }
  out.push('', 'All queries', fiveColumnTable(pick('overall', 'all')));
  for (const cat of CATEGORIES) {
    const rows = pick('category', cat);
    if (rows.length) out.push('', `Category: ${cat}`, fiveColumnTable(rows));
  }
  if (d.verification.length) {
    out.push('', `Verification (untimed pass, same parameters on every target; recall@${c.k} against exact ground truth, hnsw.ef_search=${c.hnsw.ef_search})`);
    const fmt = (x: number | null) => (x === null ? '' : x.toFixed(3));
    const rows = d.verification.map((v) => [v.query_id, v.target, v.verdict, `${v.checked - v.errors}/${v.checked}`, fmt(v.mean_recall), fmt(v.min_recall)]);
    const header = ['Query', 'Target', 'Verdict', 'OK', 'Recall mean', 'Recall min'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => '  ' + cells.map((x, i) => (i < 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ');
    out.push(line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line));
  }
  if (d.fingerprints.length) {
    out.push('', 'Data load (seed stage; one load per database, read back through each path)');
    const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);
    const sec = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} s`);
    for (const f of d.fingerprints) {
      out.push(
        `  ${f.target}: ${f.row_count.toLocaleString('en-US')} rows, fingerprint ${f.matches ? 'matches the generator' : 'DIFFERS from the generator'}; ` +
          `load ${sec(f.load_seconds)}${f.rows_per_second === null ? '' : ` (${Math.round(f.rows_per_second).toLocaleString('en-US')} rows/s)`}, ` +
          `index build ${sec(f.index_seconds)}; table ${mb(f.table_bytes)}, HNSW index ${mb(f.index_bytes)}`,
      );
    }
  }
  const failures = d.aggregates.filter((a) => a.level === 'overall' && a.failed > 0);
  if (failures.length) {
    out.push('', 'Failed requests (excluded from latency and QPS):');
    for (const f of failures) out.push(`  ${f.target}: ${f.failed} of ${f.count}`);
  }
  out.push('', 'QPS = successful requests / sum of their latencies; percentiles: linear interpolation (numpy default).');
  return out.join('\n') + '\n';
}
