import { resolveIrisNativePassword, type IrisNativeOptions } from './options.js';
import type { Iris, IrisConnection, IrisSdk } from './sdk.js';

export function where(o: IrisNativeOptions): string {
  return `${o.host}:${o.port}/${o.namespace}`;
}

/** Connect with the SDK (synchronous: it blocks its thread); failures say where and what to do. */
export function connectNative(sdk: IrisSdk, o: IrisNativeOptions): { connection: IrisConnection; iris: Iris } {
  let connection: IrisConnection;
  try {
    connection = sdk.createConnection({
      host: o.host,
      port: o.port,
      ns: o.namespace,
      user: o.user,
      pwd: resolveIrisNativePassword(o),
      sharedmemory: o.shared_memory,
      timeout: o.connect_timeout_s,
    });
  } catch (err) {
    const hint = o.provision === 'docker' ? '`make provision` starts it (docker compose up -d --wait iris)' : 'start IRIS (docker compose up -d --wait iris) or set provision: docker';
    throw new Error(`cannot connect to IRIS at ${where(o)} as ${o.user}: ${(err as Error).message || String(err)}; ${hint}`, { cause: err });
  }
  return { connection, iris: connection.createIris() };
}
