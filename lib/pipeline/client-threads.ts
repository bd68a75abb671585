import type { ResolvedConfig } from '../config/load.js';
import { ClientThreads } from '../measure/client-threads.js';
import { sessionSettingCalls } from './session-setup.js';
import type { OpenTarget } from './targets.js';

/**
 * How many client threads run a target's load (config `client_threads`): 1 — the main thread —
 * for a target without concurrent sessions (its sessions queue behind one anyway) or whose engine
 * runs in this process (PGlite, and pglite-wire's socket server: both live on the main thread,
 * so threads would only add hops to it).
 */
export function clientThreadsFor(c: ResolvedConfig, t: OpenTarget): number {
  const caps = t.module.capabilities;
  return caps.concurrentSessions && caps.inProcess !== true ? c.client_threads : 1;
}

/** Starts the client threads of one target: each loads the target's module and will open sessions with its options and session settings. */
export function startClientThreads(c: ResolvedConfig, t: OpenTarget, threads: number, stage: string): Promise<ClientThreads> {
  return ClientThreads.start({ id: t.id, type: t.type, options: t.ctx.options, root: t.ctx.root, setup: sessionSettingCalls(c, t) }, threads, stage);
}

/** " on 2 client threads", or nothing for the main thread. */
export function threadsText(threads: number): string {
  return threads > 1 ? ` on ${threads} client threads` : '';
}
