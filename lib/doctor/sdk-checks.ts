import { typeOf } from '../config/target-instances.js';
import { errorText } from '../errors.js';
import { irisNativeOptionsSchema, resolveIrisNativePassword } from '../targets/iris-native/options.js';
import type { LoadedSdk } from '../targets/iris-native/sdk.js';
import { SERVER_CLASS, loadedVersion, readServerClass } from '../targets/iris-native/server-class.js';
import { fail, ok, skip, type Check } from './check.js';
import { optionsOf, type DoctorContext } from './context.js';

/** Messages of a native addon built for another OS or CPU (Linux ELF on macOS, and the like). */
const WRONG_PLATFORM = /invalid ELF header|wrong ELF class|not a valid Win32|mach-o|incompatible architecture|Exec format error|slice is not valid/i;

function sdkFix(ctx: DoctorContext): string {
  return ctx.probes.platform === 'linux'
    ? 'docker compose up -d --wait iris && make iris-sdk'
    : `docker compose run --rm bench make all CONFIG=${ctx.profile} (the SDK in the iris image is built for Linux; see docs/iris.md)`;
}

/**
 * iris-native: the Native SDK loads here (its native addon is per platform), then — only when IRIS
 * answers — PathBench.SQL is compiled at the version of iris/PathBench.SQL.cls. A class not loaded
 * yet does not block the run: the provision stage (first of `make all`) loads it through the SDK.
 */
export async function irisNativeChecks(ctx: DoctorContext): Promise<Check[]> {
  const out: Check[] = [];
  for (const name of ctx.config.targets.filter((t) => typeOf(ctx.config, t) === 'iris-native')) out.push(...(await instanceChecks(ctx, name)));
  return out;
}

/** The checks of one iris-native instance, each named after it. */
async function instanceChecks(ctx: DoctorContext, name: string): Promise<Check[]> {
  const o = irisNativeOptionsSchema.parse(optionsOf(ctx, name));
  const p = ctx.probes;
  let loaded: LoadedSdk | undefined;
  const out: Check[] = [];
  try {
    loaded = p.loadSdk(ctx.root, o.sdk_path);
    out.push(ok(`${name}: Native SDK`, `${loaded.label} loads on ${p.platform}/${process.arch}`));
  } catch (err) {
    const text = errorText(err);
    const detail = WRONG_PLATFORM.test(text) ? `present but built for another platform than ${p.platform}/${process.arch}: ${text}` : text;
    out.push(fail(`${name}: Native SDK`, detail, sdkFix(ctx)));
  }

  const what = `${name}: ${SERVER_CLASS} in ${o.namespace}`;
  const where = `${o.host}:${o.port}`;
  if (!loaded) {
    out.push(skip(what, 'not checked: the Native SDK does not load'));
    return out;
  }
  if (!(await p.answering(o.host, o.port, 2000))) {
    out.push(skip(what, `not checked: IRIS not reachable at ${where}${o.provision === 'docker' ? ' (make provision starts it and loads the class)' : ''}`));
    return out;
  }
  const expected = readServerClass(ctx.root).version;
  let version: number | undefined;
  try {
    const connection = loaded.sdk.createConnection({ host: o.host, port: o.port, ns: o.namespace, user: o.user, pwd: resolveIrisNativePassword(o, p.env), sharedmemory: o.shared_memory, timeout: o.connect_timeout_s * 1000 });
    try {
      version = loadedVersion(connection.createIris());
    } finally {
      connection.close();
    }
  } catch (err) {
    out.push(fail(what, `cannot log in to IRIS at ${where}/${o.namespace} as ${o.user}: ${errorText(err)}`, `check ${o.password_env} (and that ${o.user} may log in to ${o.namespace})`));
    return out;
  }
  out.push(
    version === expected
      ? ok(what, `v${expected} compiled`)
      : ok(what, `${version === undefined ? 'not loaded yet' : `v${version} loaded, v${expected} expected`}: make provision (the first stage of make all) loads it`, `make provision CONFIG=${ctx.profile}`),
  );
  return out;
}
