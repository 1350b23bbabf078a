/**
 * Entry points: functions no code in the workspace calls. A syntactic over-approximation (any
 * `f(`, `.m(`, class instantiation or annotation counts as a call); functions it wrongly counts as
 * called are analysed anyway when no entry point reaches them.
 */
import type { FunctionInfo, ModuleInfo } from './module-index';
import { field, textOf, type SyntaxNode } from './syntax';

const CALLED_IN = new WeakMap<SyntaxNode, readonly string[]>();

/** Names a statement calls (`f(`, `.m(`), cached with its (reused) syntax mirror. */
function calledIn(stmt: SyntaxNode): readonly string[] {
  const cached = CALLED_IN.get(stmt);
  if (cached) return cached;
  const names: string[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'call') {
      const f = field(n, 'function');
      if (f?.type === 'identifier') names.push(textOf(f));
      else if (f?.type === 'attribute') names.push(`.${textOf(field(f, 'attribute')!)}`);
    }
    for (const c of n.children) visit(c);
  };
  visit(stmt);
  CALLED_IN.set(stmt, names);
  return names;
}

/** Names called anywhere (`f(`, `.m(`), classes instantiated and annotated, to find entry points. */
export function calledNames(modules: readonly ModuleInfo[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    for (const fn of m.allFunctions) {
      for (const s of fn.body) for (const n of calledIn(s)) names.add(n);
      // A parameter annotated with a class (`model: Transformer`) is how that class' forward gets called.
      for (const p of fn.params) if (p.annotation) names.add(p.annotation.replace(/^["']|["']$/g, ''));
    }
  }
  return names;
}

export function isCalled(fn: FunctionInfo, called: ReadonlySet<string>): boolean {
  if (fn.name === '<module>') return false;
  if (!fn.className) return called.has(fn.name) || called.has(`.${fn.name}`);
  if (fn.name === 'forward' || fn.name === '__call__') return called.has(fn.className);
  return called.has(`.${fn.name}`);
}
