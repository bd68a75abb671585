import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { PathbenchError, ExitCode } from '../../errors.js';

/**
 * The part of the InterSystems IRIS Native SDK for Node.js this target uses — the documented
 * surface, nothing more (https://docs.intersystems.com/components/csp/docbook/NodeJS-Native/api/):
 *   createConnection(connectionInfo) → Connection  (synchronous without a callback; throws when it
 *     cannot connect or access is denied)
 *   Connection.createIris() → Iris;  Connection.close()
 *   Iris.classMethodValue(className, methodName, ...args) → the method's return value
 *     ("Any errors on the server generate Node.js Errors")
 *   Iris.classMethodObject(...) → IRISObject;  IRISObject.invoke(methodName, ...args)
 *   Iris.getServerVersion(), Iris.getAPIVersion()
 * The module is `intersystems-iris` (shipped with IRIS 2025.3 kits) or, in older kits,
 * `intersystems-iris-native`; both export createConnection. It is not on npm under those names
 * (the npm package `intersystems-iris` is an unrelated community driver without createConnection):
 * `make iris-sdk` copies it out of the iris container (/usr/irissys/dev/nodejs/).
 */
export interface IrisConnectionInfo {
  host: string;
  port: number;
  ns: string;
  user: string;
  pwd: string;
  sharedmemory?: boolean;
  timeout?: number;
}

export interface IrisObject {
  invoke(methodName: string, ...args: unknown[]): unknown;
  close?(): void;
}

export interface Iris {
  classMethodValue(className: string, methodName: string, ...args: unknown[]): unknown;
  classMethodObject?(className: string, methodName: string, ...args: unknown[]): IrisObject;
  getServerVersion?(): string;
  getAPIVersion?(): string;
}

export interface IrisConnection {
  createIris(): Iris;
  close(): void;
}

export interface IrisSdk {
  createConnection(info: IrisConnectionInfo): IrisConnection;
}

export interface LoadedSdk {
  sdk: IrisSdk;
  /** Where it came from and its version, for reports. */
  label: string;
}

/** Directories `make iris-sdk` fills, newest SDK first. */
export const VENDORED_SDK_DIRS = ['vendor/iris-nodejs/intersystems-iris', 'vendor/iris-nodejs/intersystems-iris-native'] as const;
/** Package names tried in node_modules after the vendored copies. */
export const SDK_PACKAGES = ['intersystems-iris', 'intersystems-iris-native'] as const;

export class IrisSdkMissingError extends PathbenchError {
  constructor(readonly tried: string[]) {
    super(
      `the InterSystems IRIS Native SDK for Node.js is not installed (${tried.join('; ')}); ` +
        'run `make iris-sdk` (copies it out of the running iris container into vendor/iris-nodejs and installs its dependencies) ' +
        'or set target_options.iris-native.sdk_path',
      ExitCode.targetUnavailable,
    );
    this.name = 'IrisSdkMissingError';
  }
}

function versionOf(dir: string | undefined): string {
  if (!dir) return 'version unknown';
  try {
    return `${(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'version unknown'}`;
  } catch {
    return 'version unknown';
  }
}

/**
 * Load the SDK: `sdk_path` if set (and only it), else the vendored copies, else node_modules.
 * Throws IrisSdkMissingError (exit 3, "run `make iris-sdk`") naming every place tried and why
 * each failed. Never called at import time: a missing SDK only makes this target unavailable.
 */
export function loadIrisSdk(root: string, sdkPath?: string): LoadedSdk {
  const req = createRequire(join(root, 'package.json'));
  const candidates: { spec: string; dir?: string; label: string }[] = [];
  if (sdkPath) {
    const dir = isAbsolute(sdkPath) ? sdkPath : resolve(root, sdkPath);
    candidates.push({ spec: dir, dir, label: `sdk_path ${sdkPath}` });
  } else {
    for (const d of VENDORED_SDK_DIRS) candidates.push({ spec: resolve(root, d), dir: resolve(root, d), label: d });
    for (const p of SDK_PACKAGES) candidates.push({ spec: p, dir: resolve(root, 'node_modules', p), label: `node_modules/${p}` });
  }
  const tried: string[] = [];
  for (const c of candidates) {
    if (c.dir && !existsSync(c.dir)) {
      tried.push(`${c.label}: not found`);
      continue;
    }
    let mod: unknown;
    try {
      mod = req(c.spec);
    } catch (err) {
      tried.push(`${c.label}: cannot load (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const sdk = ((mod as { default?: unknown })?.default && typeof (mod as { createConnection?: unknown }).createConnection !== 'function'
      ? (mod as { default: unknown }).default
      : mod) as Partial<IrisSdk>;
    if (typeof sdk?.createConnection !== 'function') {
      tried.push(`${c.label}: not the InterSystems Native SDK (no createConnection export)`);
      continue;
    }
    return { sdk: sdk as IrisSdk, label: `${c.label} ${versionOf(c.dir)}` };
  }
  throw new IrisSdkMissingError(tried);
}
