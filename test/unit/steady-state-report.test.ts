import { describe, expect, it } from 'vitest';
import { steadyStateBox } from '../../lib/render/html/steady-state-html.js';
import type { ReportData } from '../../lib/render/report-data.js';
import { steadyStateHeaderLines, steadyStateJson } from '../../lib/render/steady-state-report.js';
import type { WarmupConvergenceRow } from '../../lib/store/warmup-convergence.js';

const row = (target: string, query_id: string, converged: 0 | 1, extra: Partial<WarmupConvergenceRow> = {}): WarmupConvergenceRow => ({
  run_id: 'r', target, query_id, iterations: 40, wall_s: 12.5, converged, last_change: converged ? 0.01 : 0.082, stopped_by: converged ? null : 'cap', ...extra,
});
const data = (config: Record<string, unknown>, warmup?: WarmupConvergenceRow[]) => ({ config, ...(warmup ? { warmup } : {}) }) as unknown as ReportData;

describe('schedule and warmup convergence in reports', () => {
  it('a run from before either was recorded shows nothing (its report stays byte-identical)', () => {
    const old = data({ warmup: 20 });
    expect(steadyStateHeaderLines(old)).toEqual([]);
    expect(steadyStateJson(old)).toEqual({});
    expect(steadyStateBox(old)).toBe('');
  });

  it('names the schedule, summarises the warmup and flags every pair that never converged', () => {
    const d = data({ warmup: 20, warmup_window: 20, warmup_tolerance: 0.03, warmup_max_s: 60, schedule: 'blocked' }, [row('pglite', 'join', 1), row('pglite-wire', 'vector_l2', 0, { wall_s: 60.2, iterations: 77 })]);
    expect(steadyStateHeaderLines(d)).toEqual([
      "schedule:   blocked — each query's iterations back to back on one target, targets in ABBA blocks",
      'warmup:     to steady state (medians of two successive windows of 20 within 3.0%, at least 20 executions, cap 60 s): 1 of 2 query × target pairs converged, the last after 60.2 s',
      '',
      '!!! pglite-wire / vector_l2: NOT STEADY — warmup stopped at the 60 s cap after 77 executions, window medians last changed +8.2%; its first measured requests may still be warming up (see drift).',
    ]);
    const json = steadyStateJson(d) as { schedule: string; warmup_convergence: { not_converged: string[]; rows: unknown[] } };
    expect(json.schedule).toBe('blocked');
    expect(json.warmup_convergence.not_converged).toHaveLength(1);
    expect(json.warmup_convergence.rows[1]).toEqual({ target: 'pglite-wire', query: 'vector_l2', iterations: 77, seconds: 60.2, converged: false, last_change: 0.082, stopped_by: 'cap' });
    const html = steadyStateBox(d);
    expect(html).toContain('id="steady-state"');
    expect(html).toMatch(/class="notice bad" role="alert"><strong>1 query × target pair\(s\) never reached steady state/);
  });

  it('a failure that stopped a warmup is named', () => {
    const d = data({ warmup: 20, warmup_window: 20, warmup_tolerance: 0.03, warmup_max_s: 60, schedule: 'interleaved' }, [row('postgres', 'join', 0, { stopped_by: 'relation "items" does not exist', last_change: null, iterations: 1 })]);
    expect(steadyStateHeaderLines(d).at(-1)).toBe('!!! postgres / join: NOT STEADY — warmup stopped by a failure after 1 executions: relation "items" does not exist; its first measured requests may still be warming up (see drift).');
  });
});
