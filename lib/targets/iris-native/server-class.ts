import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Iris, IrisObject } from './sdk.js';

/** The ObjectScript class every iris-native query goes through (iris/PathBench.SQL.cls). */
export const SERVER_CLASS = 'PathBench.SQL';
export const SERVER_CLASS_FILE = 'iris/PathBench.SQL.cls';

export interface ServerClassSource {
  text: string;
  version: number;
}

export function readServerClass(root: string): ServerClassSource {
  const text = readFileSync(join(root, SERVER_CLASS_FILE), 'utf8');
  const m = /^Parameter VERSION = (\d+);/m.exec(text);
  if (!m) throw new Error(`${SERVER_CLASS_FILE} has no "Parameter VERSION = n;" line`);
  return { text, version: Number(m[1]) };
}

/** The loaded class's VERSION, or undefined when the class does not exist (or does not answer). */
export function loadedVersion(iris: Iris): number | undefined {
  try {
    const v = Number(iris.classMethodValue(SERVER_CLASS, 'Version'));
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** %Status as the SDK returns it: 1 for OK, else an encoded error string. */
function isOk(status: unknown): boolean {
  return status === 1 || status === '1' || status === true;
}

function statusText(iris: Iris, status: unknown): string {
  try {
    return String(iris.classMethodValue('%SYSTEM.Status', 'GetErrorText', status));
  } catch {
    return String(status);
  }
}

function newObject(iris: Iris, className: string): IrisObject {
  if (iris.classMethodObject) return iris.classMethodObject(className, '%New');
  return iris.classMethodValue(className, '%New') as IrisObject;
}

/**
 * Make `namespace` hold the class at `source.version`: nothing if it already does, else save the
 * UDL text with %Compiler.UDL.TextServices.SetTextFromStream (a %Stream.GlobalCharacter written
 * through an IRISObject proxy) and compile it with $SYSTEM.OBJ.Compile(…, "ck"). Returns one line.
 */
export function ensureServerClass(iris: Iris, namespace: string, source: ServerClassSource): string {
  const before = loadedVersion(iris);
  if (before === source.version) return `${SERVER_CLASS} v${source.version} already loaded in ${namespace}`;
  const stream = newObject(iris, '%Stream.GlobalCharacter');
  stream.invoke('Write', source.text);
  const saved = iris.classMethodValue('%Compiler.UDL.TextServices', 'SetTextFromStream', namespace, SERVER_CLASS, stream);
  if (!isOk(saved)) throw new Error(`saving ${SERVER_CLASS} into ${namespace} failed: ${statusText(iris, saved)}`);
  const compiled = iris.classMethodValue('%SYSTEM.OBJ', 'Compile', SERVER_CLASS, 'ck-d');
  if (!isOk(compiled)) throw new Error(`compiling ${SERVER_CLASS} in ${namespace} failed: ${statusText(iris, compiled)}`);
  const after = loadedVersion(iris);
  if (after !== source.version) throw new Error(`${SERVER_CLASS} compiled but reports version ${String(after)}, expected ${source.version}`);
  return `${before === undefined ? 'loaded' : `replaced v${before} with`} ${SERVER_CLASS} v${source.version} in ${namespace}`;
}
