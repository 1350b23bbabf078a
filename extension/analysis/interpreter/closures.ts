/**
 * Closures as values: a lambda (`lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)`)
 * or a `def` written inside a function (`def attend(q, k, v): …`, passed to `checkpoint(attend, q, k, v)`)
 * makes a callable that may be stored (`self.attn_fn = lambda …`), passed, put in a dict of backends
 * and called later. Calling it runs its body as a function of its own (the interpreter's `invoke`, so
 * it is memoised like any call), its parameters bound; attention calls in it are observed where they
 * are written, on the caller's path.
 *
 * What it captures: the enclosing function's variables the body names are read when the closure is
 * made, and so are its parameters' defaults (as Python evaluates them). Python reads the variables
 * when the closure is called; code that rebinds one after making it is not seen by it. A module's
 * variables (a closure made at the top level) are read when it is called, as globals are. A nested
 * `def`'s decorators are not applied.
 */
import type { Frame, PathState } from '../values/state';
import { parameters, type FunctionInfo } from '../workspace-index/module-index';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';

export type ClosureValue = Extract<Value, { t: 'closure' }>;

/** The function each closure is, by its node (kept while its statement is: nodes are reused with it). */
const FUNCTIONS = new WeakMap<SyntaxNode, FunctionInfo>();

/**
 * The function a lambda or nested `def` is: named after the function it is written in, like Python's
 * `__qualname__` (`Attention.__init__.<lambda>`, `Attention.forward.attend`; `<lambda>` at a module's
 * top level), its id unique per closure.
 */
export function closureFunction(node: SyntaxNode, enclosing: FunctionInfo): FunctionInfo {
  let fn = FUNCTIONS.get(node);
  if (!fn) {
    const nameNode = node.type === 'lambda' ? undefined : field(node, 'name');
    const name = nameNode ? textOf(nameNode) : '<lambda>';
    const qualName = enclosing.name === '<module>' ? name : `${enclosing.qualName}.${name}`;
    fn = {
      id: `${enclosing.path}:${qualName}@${node.unit.id}:${node.start}`, path: enclosing.path, qualName, name, className: null,
      params: parameters(node), body: node.type === 'lambda' ? [] : field(node, 'body')?.children ?? [], decorators: [], decoratorNodes: [], node,
    };
    FUNCTIONS.set(node, fn);
  }
  return fn;
}

/** The function a closure value calls (made when the value was). */
export function functionOfClosure(v: ClosureValue): FunctionInfo {
  return FUNCTIONS.get(v.node)!;
}

/** Whether a function is a closure's (a lambda or a nested `def`), not a module's function or a method. */
export function isClosure(fn: FunctionInfo): boolean {
  return fn.node !== null && FUNCTIONS.get(fn.node) === fn;
}

/** A lambda or nested `def` evaluated on a path: the value, with what it captures from the enclosing function. */
export function closureValue(node: SyntaxNode, st: PathState, fr: Frame, evaluate: (n: SyntaxNode) => Value): Value {
  const fn = closureFunction(node, fr.fn);
  const own = new Set(fn.params.map((p) => p.name));
  const body = field(node, 'body');
  // A module's variables are its globals, read when the closure is called.
  const names = fr.fn.name === '<module>' || !body ? [] : [...new Set(identifiers(body))].filter((n) => !own.has(n) && st.env.has(n)).sort();
  const defaults = fn.params.flatMap((p) => (p.default ? [[p.name, evaluate(p.default)] as const] : []));
  return { t: 'closure', id: fn.id, node, captured: names.map((n) => [n, st.env.get(n)!] as const), defaults };
}

/** The names an expression or block reads (attribute names and keywords included: capturing one too many is harmless). */
function identifiers(node: SyntaxNode): string[] {
  return node.type === 'identifier' ? [textOf(node)] : node.children.flatMap(identifiers);
}

/** The default of a closure's parameter, as evaluated where the closure was made (for a parameter the call does not give). */
export function closureDefault(v: Value | undefined, name: string): Value | undefined {
  return v?.t === 'closure' ? v.defaults.find(([n]) => n === name)?.[1] : undefined;
}
