/**
 * Module globals that functions rebind: `global _flash_fn, _varlen_fn` then
 * `_flash_fn, _varlen_fn = _lazy_imports(impl)`, a lazy-import helper's way of binding library
 * functions that other functions call later as `_flash_fn(q, k, v)`. From syntax alone: which names
 * each function declares `global`.
 */
import { namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import type { FunctionInfo, ModuleInfo } from './module-index';

const DECLARED = new WeakMap<FunctionInfo, ReadonlySet<string>>();

/** Statements whose bodies are another scope: a `global` inside them is not this function's. */
const OTHER_SCOPES = new Set(['function_definition', 'class_definition', 'decorated_definition', 'lambda']);

/** The names a function declares `global` (anywhere in its body, not in functions it defines). */
export function declaredGlobals(fn: FunctionInfo): ReadonlySet<string> {
  let names = DECLARED.get(fn);
  if (!names) {
    const found = new Set<string>();
    const visit = (node: SyntaxNode): void => {
      if (node.type === 'global_statement') for (const id of namedChildren(node)) found.add(textOf(id));
      else if (!OTHER_SCOPES.has(node.type)) node.children.forEach(visit);
    };
    if (fn.name !== '<module>') fn.body.forEach(visit);
    names = found;
    DECLARED.set(fn, names);
  }
  return names;
}

/** The functions of a module that rebind one of its globals. */
export function globalRebinders(m: ModuleInfo): FunctionInfo[] {
  return m.allFunctions.filter((fn) => declaredGlobals(fn).size > 0);
}
