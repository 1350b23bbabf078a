/**
 * Functions that bind a name other code calls, from syntax alone: a lazy-import helper that declares
 * `global _flash_fn, _varlen_fn` and assigns them (`_flash_fn, _varlen_fn = _lazy_imports(impl)`),
 * for functions that call `_flash_fn(q, k, v)` later; a method other than the constructor that sets
 * an attribute its class calls (`def set_backend(self): self.attn_fn = partial(…)`, then
 * `self.attn_fn(q, k, v)` in `forward`).
 */
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import type { ClassInfo, FunctionInfo, ModuleInfo } from './module-index';

const DECLARED = new WeakMap<FunctionInfo, ReadonlySet<string>>();

/** Statements whose bodies are another scope: what they declare or assign is not this function's. */
const OTHER_SCOPES = new Set(['function_definition', 'class_definition', 'decorated_definition', 'lambda']);

/** The nodes of a function's body, not descending into functions and classes it defines. */
function ownNodes(fn: FunctionInfo, visit: (node: SyntaxNode) => void): void {
  const walk = (node: SyntaxNode): void => {
    visit(node);
    if (!OTHER_SCOPES.has(node.type)) node.children.forEach(walk);
  };
  fn.body.forEach(walk);
}

/** The names a function declares `global`. */
export function declaredGlobals(fn: FunctionInfo): ReadonlySet<string> {
  let names = DECLARED.get(fn);
  if (!names) {
    const found = new Set<string>();
    if (fn.name !== '<module>') ownNodes(fn, (node) => { if (node.type === 'global_statement') for (const id of namedChildren(node)) found.add(textOf(id)); });
    names = found;
    DECLARED.set(fn, names);
  }
  return names;
}

/** `x` for the expression `self.x`; undefined for any other. */
function selfAttribute(node: SyntaxNode | undefined): string | undefined {
  const obj = node?.type === 'attribute' ? field(node, 'object') : undefined;
  return obj?.type === 'identifier' && textOf(obj) === 'self' ? textOf(field(node!, 'attribute')!) : undefined;
}

const CALLED_ON_SELF = new WeakMap<ClassInfo, ReadonlySet<string>>();

/** The attributes a class calls on self (`self.attn_fn(…)`). */
export function calledOnSelf(cls: ClassInfo): ReadonlySet<string> {
  let called = CALLED_ON_SELF.get(cls);
  if (!called) {
    const names = new Set<string>();
    for (const method of cls.methods.values()) {
      ownNodes(method, (node) => { const name = node.type === 'call' ? selfAttribute(field(node, 'function')) : undefined; if (name) names.add(name); });
    }
    called = names;
    CALLED_ON_SELF.set(cls, called);
  }
  return called;
}

/** Whether a method assigns one of `names` on self (`self.attn_fn = …`, alone or in a tuple). */
function assignsOnSelf(method: FunctionInfo, names: ReadonlySet<string>): boolean {
  let found = false;
  ownNodes(method, (node) => {
    const left = node.type === 'assignment' ? field(node, 'left') : undefined;
    const targets = left && (left.type === 'pattern_list' || left.type === 'tuple_pattern' ? namedChildren(left) : [left]);
    found ||= targets?.some((t) => names.has(selfAttribute(t) ?? '')) ?? false;
  });
  return found;
}

/** Per module (replaced when its file changes), its rebinders: asked on every run. */
const REBINDERS = new WeakMap<ModuleInfo, readonly FunctionInfo[]>();

/** The functions of a module that rebind a global, and the methods (not constructors) that set an attribute their class calls. */
export function rebinders(m: ModuleInfo): readonly FunctionInfo[] {
  let found = REBINDERS.get(m);
  if (!found) REBINDERS.set(m, found = findRebinders(m));
  return found;
}

function findRebinders(m: ModuleInfo): FunctionInfo[] {
  const methods = [...m.classes.values()].flatMap((cls) => {
    const called = calledOnSelf(cls);
    return called.size === 0 ? [] : [...cls.methods.values()].filter((fn) => fn.name !== '__init__' && assignsOnSelf(fn, called));
  });
  return [...m.allFunctions.filter((fn) => declaredGlobals(fn).size > 0), ...methods];
}

const SET_BY_METHODS = new WeakMap<ClassInfo, ReadonlyMap<string, readonly SyntaxNode[]>>();

/**
 * The calls a class's methods other than the constructor assign to an attribute (`self.to_qkv =
 * nn.Linear(…)` in diffusers' `fuse_projections`), by attribute name.
 */
export function callsAssignedByMethods(cls: ClassInfo): ReadonlyMap<string, readonly SyntaxNode[]> {
  let assigned = SET_BY_METHODS.get(cls);
  if (!assigned) {
    const found = new Map<string, SyntaxNode[]>();
    for (const method of cls.methods.values()) {
      if (method.name === '__init__') continue;
      ownNodes(method, (node) => {
        const name = node.type === 'assignment' ? selfAttribute(field(node, 'left')) : undefined;
        const right = name ? field(node, 'right') : undefined;
        if (name && right?.type === 'call') found.set(name, [...(found.get(name) ?? []), right]);
      });
    }
    assigned = found;
    SET_BY_METHODS.set(cls, assigned);
  }
  return assigned;
}
