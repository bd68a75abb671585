import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * The compose services `provision: docker` starts for each target — the services its provision
 * code names (lib/targets/postgres/provision.ts, lib/targets/iris-sql/compose.ts for iris and
 * iris-pgwire). A test checks these, and every service a profile relies on, against
 * docker-compose.yml.
 */
export const COMPOSE_SERVICES: Readonly<Record<string, readonly string[]>> = {
  postgres: ['postgres'],
  'iris-native': ['iris'],
  'iris-pgwire': ['iris-pgwire'],
};

export interface ComposeService {
  image?: string;
  dependsOn: string[];
  /** Published host ports ("127.0.0.1:5433:5432" → 5433). */
  hostPorts: number[];
}

/**
 * `${NAME:-default}`, `${NAME-default}`, `${NAME}` and `$$` as compose interpolates them
 * (https://docs.docker.com/reference/compose-file/interpolation/), from `env`.
 */
export function interpolate(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (all, name: string | undefined, op: string | undefined, dflt: string | undefined) => {
    if (all === '$$') return '$';
    const v = env[name!];
    if (op === ':-') return v === undefined || v === '' ? dflt! : v;
    if (op === '-') return v === undefined ? dflt! : v;
    return v ?? '';
  });
}

/** The services of a compose file with images interpolated from `env`. Throws when unreadable. */
export function readComposeFile(file: string, env: NodeJS.ProcessEnv): Map<string, ComposeService> {
  const doc = parse(readFileSync(file, 'utf8')) as { services?: Record<string, Record<string, unknown>> } | null;
  const out = new Map<string, ComposeService>();
  for (const [name, s] of Object.entries(doc?.services ?? {})) {
    const deps = s.depends_on;
    const ports = Array.isArray(s.ports) ? s.ports : [];
    out.set(name, {
      image: typeof s.image === 'string' ? interpolate(s.image, env) : undefined,
      dependsOn: Array.isArray(deps) ? deps.map(String) : deps && typeof deps === 'object' ? Object.keys(deps) : [],
      hostPorts: ports.map((p) => String(p).split(':')).filter((parts) => parts.length >= 2).map((parts) => Number(parts[parts.length - 2])),
    });
  }
  return out;
}

/** `names` and everything they depend on, dependencies first. */
export function withDependencies(names: readonly string[], services: ReadonlyMap<string, ComposeService>): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    if (out.includes(n)) return;
    for (const d of services.get(n)?.dependsOn ?? []) visit(d);
    out.push(n);
  };
  names.forEach(visit);
  return out;
}
