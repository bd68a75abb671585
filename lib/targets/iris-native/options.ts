import { z } from 'zod';

/**
 * The InterSystems IRIS Native SDK for Node.js, straight to the IRIS superserver port (1972).
 * Connection fields as the SDK's connectionInfo: host, port, ns, user, pwd, sharedmemory, timeout
 * (https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/v2019.2/global.html and
 * https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/api/module-_intersystems-iris_.Connection.html).
 */
export const irisNativeOptionsSchema = z
  .object({
    /** existing: use a running IRIS; docker: `docker compose up -d --wait iris`. Both load PathBench.SQL. */
    provision: z.enum(['existing', 'docker']).default('existing'),
    host: z.string().min(1).default('127.0.0.1'),
    /** The superserver port. */
    port: z.number().int().min(1).max(65535).default(1972),
    namespace: z.string().min(1).default('USER'),
    user: z.string().min(1).default('_SYSTEM'),
    password: z.string().optional(),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').default('PB_IRIS_PASSWORD'),
    connect_timeout_s: z.number().int().positive().max(600).default(10),
    /**
     * Bound on any one call of a session (0 = none): each session runs in its own worker thread and
     * a call still unanswered after this long terminates it, which aborts the run (exit 3) naming
     * the target — see lib/targets/iris-native/worker-session.ts. Covers loading and index builds
     * too, hence the same default as the postgres target's statement_timeout_s.
     */
    statement_timeout_s: z.number().nonnegative().max(86_400).default(1800),
    /**
     * The SDK can bypass TCP through shared memory when IRIS runs on the same host (its default).
     * Off by default: a container's IRIS is reached over TCP, like the gateway path.
     */
    shared_memory: z.boolean().default(false),
    /**
     * Where the SDK package is (a directory with package.json), relative to the project root or
     * absolute. Unset: vendor/iris-nodejs/intersystems-iris, vendor/iris-nodejs/intersystems-iris-native
     * (what `make iris-sdk` copies out of the iris container), then node_modules.
     */
    sdk_path: z.string().min(1).optional(),
  })
  .strict();

export type IrisNativeOptions = z.infer<typeof irisNativeOptionsSchema>;

export function resolveIrisNativePassword(o: IrisNativeOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (o.password !== undefined) return o.password;
  const fromEnv = env[o.password_env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // The image's default password, kept (unexpired) by iris/after-start.sh for the throwaway compose service.
  return 'SYS';
}
