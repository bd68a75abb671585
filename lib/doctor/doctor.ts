import { resolve } from 'node:path';
import { redact } from '../config/redact.js';
import { parseStageFlags } from '../config/cli-flags.js';
import { commandHelp } from '../cli/stage-help.js';
import { loadConfig } from '../config/load.js';
import { PROJECT_ROOT } from '../env/package-version.js';
import { ExitCode, PathbenchError, errorText } from '../errors.js';
import { fail, formatCheck, ok, type Check } from './check.js';
import type { DoctorContext } from './context.js';
import { dockerChecks } from './docker-checks.js';
import { machineProbes, type Probes } from './probes.js';
import { irisNativeChecks } from './sdk-checks.js';
import { credentialCheck, driverCheck, portCheck } from './target-checks.js';

/** Every prerequisite of the profile, in the order a run meets them. Never throws for a failed check. */
export async function runChecks(ctx: DoctorContext): Promise<Check[]> {
  const checks: Check[] = [];
  const v = ctx.probes.nodeVersion;
  checks.push(Number(v.split('.')[0]) >= 20 ? ok('node', `v${v}`) : fail('node', `v${v} is older than 20 (package.json engines)`, 'install Node.js 20 or later'));
  const docker = await dockerChecks(ctx);
  checks.push(...docker.checks);
  for (const t of ctx.config.targets) {
    checks.push(await driverCheck(ctx, t));
    checks.push(await portCheck(ctx, t, docker.state));
    const cred = credentialCheck(ctx, t);
    if (cred) checks.push(cred);
  }
  checks.push(...(await irisNativeChecks(ctx)));
  return checks;
}

/** 0 when nothing failed (the run can start), else 3 (a prerequisite or target unavailable). */
export function exitCodeOf(checks: readonly Check[]): number {
  return checks.some((c) => c.status === 'FAIL') ? ExitCode.targetUnavailable : ExitCode.ok;
}

/**
 * `make doctor CONFIG=…`: load the profile (bad config: exit 2, as every stage), run every check,
 * print one line per check on stdout and a verdict. Opens no store and starts nothing.
 */
export async function doctor(argv: string[], probes: Probes = machineProbes(), root: string = PROJECT_ROOT): Promise<number> {
  const out = (line: string) => process.stdout.write(`${redact(line)}\n`);
  let ctx: DoctorContext;
  try {
    const flags = parseStageFlags(argv, probes.env);
    if (flags.help) {
      out(commandHelp('doctor').trimEnd());
      return ExitCode.ok;
    }
    const config = await loadConfig(resolve(root, flags.config), flags.overrides, flags.overlay === undefined ? undefined : resolve(root, flags.overlay));
    ctx = { config, root, profile: flags.config, composeFile: resolve(root, 'docker-compose.yml'), probes };
  } catch (err) {
    process.stderr.write(`[doctor] error: ${errorText(err)}\n`);
    return err instanceof PathbenchError ? err.exitCode : ExitCode.failure;
  }
  out(`doctor: profile ${ctx.profile} (${ctx.config.targets.join(', ')})`);
  const checks = await runChecks(ctx);
  for (const c of checks) out(formatCheck(c));
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  out(failed ? `doctor: ${failed} check(s) FAIL — the run cannot start; fix them (each line says how) and run make doctor CONFIG=${ctx.profile} again` : 'doctor: every prerequisite is met — the run can start');
  return exitCodeOf(checks);
}
