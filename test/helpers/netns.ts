import { execFileSync } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * Network namespaces for the shard test (test/integration/shards-netns.test.ts): N namespaces,
 * each joined to the root namespace by a veth pair (10.231.k.1/30 root side, 10.231.k.2/30 inside,
 * default route through it), and one service address SERVICE_ADDR/32 on the root's loopback that
 * every namespace reaches through its veth — so every shard's profile names the same host, as N
 * real hosts would name one database server. Needs root and iproute2. Names carry this process's
 * pid, so a crashed earlier run's leftovers do not collide; the addresses are fixed (10.231/16 is
 * private and unused here), and stale ones are removed first.
 */
export const SERVICE_ADDR = '10.231.0.1';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const quietly = (f: () => unknown) => {
  try {
    f();
  } catch {
    // cleanup of something that may not exist
  }
};

export interface Namespaces {
  names: string[];
  /** The shard's source address inside namespace k (1-based). */
  addressOf(k: number): string;
  cleanup(): void;
}

export function createNamespaces(n: number): Namespaces {
  const tag = String(process.pid % 100000);
  const names = Array.from({ length: n }, (_, j) => `pbshard-${tag}-${j + 1}`);
  const roots = names.map((_, j) => `pbs${j + 1}r${tag}`);
  const cleanup = () => {
    for (const r of roots) quietly(() => ip('link', 'del', r));
    for (const ns of names) quietly(() => ip('netns', 'del', ns));
    quietly(() => ip('addr', 'del', `${SERVICE_ADDR}/32`, 'dev', 'lo'));
  };
  // Leftovers of a killed run on the fixed addresses would make `ip addr add` fail.
  quietly(() => ip('addr', 'del', `${SERVICE_ADDR}/32`, 'dev', 'lo'));
  for (let j = 1; j <= n; j++) {
    for (const line of ip('-o', 'addr', 'show', 'to', `10.231.${j}.0/30`).split('\n').filter(Boolean)) quietly(() => ip('link', 'del', line.split(/\s+/)[1]!.replace(/@.*$/, '')));
  }
  try {
    ip('addr', 'add', `${SERVICE_ADDR}/32`, 'dev', 'lo');
    names.forEach((ns, j) => {
      const k = j + 1;
      const peer = `pbs${k}n${tag}`;
      ip('netns', 'add', ns);
      ip('link', 'add', roots[j]!, 'type', 'veth', 'peer', 'name', peer);
      ip('link', 'set', peer, 'netns', ns);
      ip('addr', 'add', `10.231.${k}.1/30`, 'dev', roots[j]!);
      ip('link', 'set', roots[j]!, 'up');
      ip('-n', ns, 'addr', 'add', `10.231.${k}.2/30`, 'dev', peer);
      ip('-n', ns, 'link', 'set', peer, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', `10.231.${k}.1`);
    });
  } catch (err) {
    cleanup();
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`cannot create network namespaces (root and iproute2 needed): ${e.stderr?.toString().trim() || e.message}`);
  }
  return { names, addressOf: (k) => `10.231.${k}.2`, cleanup };
}

/**
 * A TCP relay in the root namespace: SERVICE_ADDR:port → target. The local PostgreSQL listens on
 * 127.0.0.1 only (scripts/postgres-local.sh) and other engineers use it: rather than change its
 * listen_addresses (a restart) or pg_hba, the namespaces reach it through this relay, whose
 * connections come from 127.0.0.1, which pg_hba already trusts with a password. Records the source
 * address of every accepted connection (which namespace connected).
 */
export async function startRelay(target: { host: string; port: number }): Promise<{ port: number; sources: Set<string>; close(): Promise<void> }> {
  const sources = new Set<string>();
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    sources.add(client.remoteAddress ?? '?');
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, SERVICE_ADDR, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sources,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
