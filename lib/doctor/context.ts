import type { ResolvedConfig } from '../config/load.js';
import type { Probes } from './probes.js';

/** What every check reads. `profile` is the --config argument as given, for the fix commands. */
export interface DoctorContext {
  config: ResolvedConfig;
  root: string;
  profile: string;
  composeFile: string;
  probes: Probes;
}

/** The options of one configured target (parsed by its schema, defaults filled). */
export function optionsOf(ctx: DoctorContext, target: string): Record<string, unknown> {
  return ctx.config.target_options[target] ?? {};
}

/** Targets whose options say `provision: docker`, in config order. */
export function dockerTargets(ctx: DoctorContext): string[] {
  return ctx.config.targets.filter((t) => optionsOf(ctx, t).provision === 'docker');
}
