import { composeUp } from '../iris-sql/compose.js';
import type { OnServerStarted } from '../started-server.js';
import type { IrisPgwireOptions } from './options.js';

/** existing: nothing to start (validate checks the gateway); docker: the compose service (which waits for iris). */
export async function provisionIrisPgwire(o: IrisPgwireOptions, root: string, started?: OnServerStarted): Promise<string> {
  const where = `${o.host}:${o.port}`;
  if (o.provision === 'existing') return `existing iris-pgwire gateway ${where} (nothing started; validate checks it)`;
  return composeUp(root, 'iris-pgwire', where, started);
}
