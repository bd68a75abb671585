import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { readNoiseFlags, replaceNoiseFlags } from '../../lib/store/aggregates.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { rollBackStore } from '../helpers/old-store.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The migration that widened noise_flags.kind (found by content: others may be appended after it). */
const MACHINE_DRIFT = MIGRATIONS.findIndex((m) => m.includes("'machine drift'"));

describe("noise_flags 'machine drift' in a store from before it", () => {
  it('keeps the old flags and accepts the new kind once reopened; the old table refuses it', async () => {
    expect(MACHINE_DRIFT).toBeGreaterThan(0);
    const p = await tmpProfile({ iterations: 10, warmup: 1, verify_queries: 0 });
    const db = await openStore(p.store);
    const { runId } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    // The store as an older pathbench left it: noise_flags with the narrow CHECK, holding a drift.
    const raw = await SqliteDb.open(p.store);
    await rollBackStore(raw, MACHINE_DRIFT);
    await raw.exec('DROP TABLE noise_flags');
    await raw.exec(MIGRATIONS.find((m) => m.includes('CREATE TABLE noise_flags ('))!.match(/CREATE TABLE noise_flags \([^;]*?\n  \);/s)![0]);
    await raw.run("INSERT INTO noise_flags VALUES (?, 't', 'q', 'drift', 'median 1.200 ms …')", [runId]);
    await expect(raw.run("INSERT INTO noise_flags VALUES (?, 't', 'q', 'machine drift', 'x')", [runId])).rejects.toThrow(/CHECK/);
    await raw.close();
    const now = await openStore(p.store);
    expect(await readNoiseFlags(now, runId)).toEqual([{ run_id: runId, target: 't', query_id: 'q', kind: 'drift', detail: 'median 1.200 ms …' }]);
    await replaceNoiseFlags(now, runId, [{ run_id: runId, target: 't', query_id: 'q', kind: 'machine drift', detail: 'explained' }]);
    expect((await readNoiseFlags(now, runId)).map((f) => f.kind)).toEqual(['machine drift']);
    await now.close();
  });
});
