/**
 * The strings an entry point's kept run is looked up by (Interpreter.runEntryPoint), made once per
 * function: the same string objects each run, so the thousands of lookups a keystroke's run makes on
 * a real package hash nothing new and compare no characters (made afresh, they cost it 3 % of its time).
 */
import type { FunctionInfo } from '../workspace-index/module-index';

interface Keys {
  /** `path:Class` of a method's class; undefined for a function. */
  readonly classId: string | undefined;
  /** The key of each kind of run (path kinds, mirror, autocast case), by the kind's words. */
  readonly byKind: Map<string, string>;
}

const keysOf = new WeakMap<FunctionInfo, Keys>();

function keys(fn: FunctionInfo): Keys {
  let k = keysOf.get(fn);
  if (!k) keysOf.set(fn, k = { classId: fn.className ? `${fn.path}:${fn.className}` : undefined, byKind: new Map() });
  return k;
}

/** The key of an entry point's run of one kind (`kind`: '' for the plain run). */
export function entryKey(fn: FunctionInfo, kind: string): string {
  const { byKind } = keys(fn);
  let key = byKind.get(kind);
  if (key === undefined) byKind.set(kind, key = `${fn.id}|${kind}`);
  return key;
}

/** The class id of a method (`path:Class`); undefined for a function. */
export function classIdOf(fn: FunctionInfo): string | undefined {
  return keys(fn).classId;
}
