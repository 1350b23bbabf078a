/**
 * Entry points: functions no code in the workspace calls. A syntactic over-approximation (any
 * `f(`, `.m(`, class instantiation or annotation counts as a call); functions it wrongly counts as
 * called are analysed anyway when no entry point reaches them.
 */
import type { FunctionInfo, ModuleInfo } from './module-index';

/** A module's names called (`f(`, `.m(`, classes instantiated) and classes its parameters are annotated with. */
const NAMES = new WeakMap<ModuleInfo, readonly string[]>();

function namesOf(m: ModuleInfo): readonly string[] {
  let names = NAMES.get(m);
  if (!names) {
    // A parameter annotated with a class (`model: Transformer`) is how that class' forward gets called.
    const annotated = m.allFunctions.flatMap((fn) => fn.params.flatMap((p) => (p.annotation ? [p.annotation.replace(/^["']|["']$/g, '')] : [])));
    NAMES.set(m, names = [...m.units.flatMap((unit) => unit.called), ...annotated]);
  }
  return names;
}

/**
 * The names the last set of modules asked about calls, with how many times each: a module is
 * replaced when its file changes, so a run after an edit adds and takes away that module's names only.
 */
let last: { modules: ReadonlySet<ModuleInfo>; counts: Map<string, number>; names: Set<string> } | undefined;

/**
 * Names called anywhere (`f(`, `.m(`), classes instantiated and annotated, to find entry points. The
 * set is the index's own, valid until the next call (a run reads it, then lets it go).
 */
export function calledNames(modules: readonly ModuleInfo[]): ReadonlySet<string> {
  const now = new Set(modules);
  const gone = last ? [...last.modules].filter((m) => !now.has(m)) : [];
  const added = last ? modules.filter((m) => !last!.modules.has(m)) : modules;
  if (!last || gone.length + added.length > modules.length / 2) {
    last = { modules: now, counts: new Map(), names: new Set() };
    for (const m of modules) count(last, namesOf(m), 1);
    return last.names;
  }
  for (const m of gone) count(last, namesOf(m), -1);
  for (const m of added) count(last, namesOf(m), 1);
  last.modules = now;
  return last.names;
}

function count(index: NonNullable<typeof last>, names: readonly string[], by: 1 | -1): void {
  for (const name of names) {
    const n = (index.counts.get(name) ?? 0) + by;
    if (n > 0) { index.counts.set(name, n); index.names.add(name); } else { index.counts.delete(name); index.names.delete(name); }
  }
}

export function isCalled(fn: FunctionInfo, called: ReadonlySet<string>): boolean {
  if (fn.name === '<module>') return false;
  if (!fn.className) return called.has(fn.name) || called.has(`.${fn.name}`);
  if (fn.name === 'forward' || fn.name === '__call__') return called.has(fn.className);
  return called.has(`.${fn.name}`);
}
