import { z } from 'zod';

/**
 * The InterSystems IRIS Native SDK for Node.js, straight to the IRIS superserver port (1972).
 * Connection fields as the SDK's connectionInfo: host, port, ns, user, pwd, sharedmemory, timeout
 * (https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/v2019.2/global.html and
 * https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/api/module-_intersystems-iris_.Connection.html).
 */
export const irisNativeOptionsSchema = z
  .object({
    provision: z
      .enum(['existing', 'docker'])
      .default('existing')
      .describe('`existing`: use a running IRIS; `docker`: `docker compose up -d --wait iris`. Both load the server class PathBench.SQL.'),
    host: z.string().min(1).default('127.0.0.1').describe('IRIS host.'),
    port: z.number().int().min(1).max(65535).default(1972).describe('The IRIS superserver port.'),
    namespace: z.string().min(1).default('USER').describe('IRIS namespace.'),
    user: z.string().min(1).default('_SYSTEM').describe('IRIS user.'),
    password: z.string().optional().describe('Password in the profile (redacted everywhere); prefer `password_env`.'),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .default('PB_IRIS_PASSWORD')
      .describe('Environment variable holding the password (never stored or reported). Unset: "SYS", the throwaway compose IRIS\'s password.'),
    connect_timeout_s: z.number().int().positive().max(600).default(10).describe('Seconds to wait for a connection before declaring the target unavailable.'),
    statement_timeout_s: z
      .number()
      .nonnegative()
      .max(86_400)
      .default(1800)
      .describe(
        'Bound on any one call of a session, in seconds (0 = none): each session runs in its own worker thread, and a call still unanswered after this long terminates it and aborts the run (exit 3) naming the target. Covers loading and index builds too.',
      ),
    shared_memory: z
      .boolean()
      .default(false)
      .describe('Let the SDK bypass TCP through shared memory when IRIS runs on the same host. Off: a container\'s IRIS is reached over TCP, like the gateway path.'),
    sdk_path: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Directory of the SDK package (with package.json), relative to the project root or absolute. Unset: vendor/iris-nodejs/intersystems-iris, vendor/iris-nodejs/intersystems-iris-native (where `make iris-sdk` copies it), then node_modules.',
      ),
  })
  .strict()
  .describe(
    'InterSystems IRIS through the Native SDK for Node.js, one server-class call per query, each session in its own worker thread. Not verified against a live IRIS (docs/iris.md).',
  );

export type IrisNativeOptions = z.infer<typeof irisNativeOptionsSchema>;

export function resolveIrisNativePassword(o: IrisNativeOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (o.password !== undefined) return o.password;
  const fromEnv = env[o.password_env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // The image's default password, kept (unexpired) by iris/after-start.sh for the throwaway compose service.
  return 'SYS';
}
