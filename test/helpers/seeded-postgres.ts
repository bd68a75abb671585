import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { pgTestTargetOptions } from './postgres.js';
import { expectStagesOk } from './stages.js';
import { tmpProfile, type TmpProfile } from './tmp-profile.js';

/**
 * A throwaway profile whose only target is postgres on the test database (PB_PG_TEST_DB, which
 * preparePgTestDatabase creates), provisioned, validated and seeded with `datasetSize` rows: the
 * table the make bench-* scripts read. Call from beforeAll, after the file's live-test gate.
 * Seeded with --force: the test database is shared by every test file, and one that ran before
 * may have left the same dataset id with other content (test/integration/writes.test.ts changes
 * a vector on purpose), which a plain seed refuses.
 */
export async function seededPostgresProfile(datasetSize = 300): Promise<TmpProfile> {
  const p = await tmpProfile({ targets: ['postgres'], dataset_size: datasetSize, target_options: { postgres: pgTestTargetOptions() } });
  await expectStagesOk(['--config', p.config], [provision, validate]);
  await expectStagesOk(['--config', p.config, '--force'], [seed]);
  return p;
}
