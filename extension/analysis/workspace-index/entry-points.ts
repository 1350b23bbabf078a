/**
 * Entry points: functions no code in the workspace calls. A syntactic over-approximation (any
 * `f(`, `.m(`, class instantiation or annotation counts as a call); functions it wrongly counts as
 * called are analysed anyway when no entry point reaches them.
 */
import type { FunctionInfo, ModuleInfo } from './module-index';

/** Names called anywhere (`f(`, `.m(`), classes instantiated and annotated, to find entry points. */
export function calledNames(modules: readonly ModuleInfo[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    for (const unit of m.units) for (const n of unit.called) names.add(n);
    // A parameter annotated with a class (`model: Transformer`) is how that class' forward gets called.
    for (const fn of m.allFunctions) for (const p of fn.params) if (p.annotation) names.add(p.annotation.replace(/^["']|["']$/g, ''));
  }
  return names;
}

export function isCalled(fn: FunctionInfo, called: ReadonlySet<string>): boolean {
  if (fn.name === '<module>') return false;
  if (!fn.className) return called.has(fn.name) || called.has(`.${fn.name}`);
  if (fn.name === 'forward' || fn.name === '__call__') return called.has(fn.className);
  return called.has(`.${fn.name}`);
}
