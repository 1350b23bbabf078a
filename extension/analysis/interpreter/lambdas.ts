/**
 * Lambdas as values: `lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)` makes
 * a callable that may be stored (`self.attn_fn = lambda …`), passed, put in a dict of backends and
 * called later. Calling it runs its body as a function of its own (the interpreter's `invoke`, so it
 * is memoised like any call), its parameters bound; attention calls in it are observed where they are
 * written, on the caller's path.
 *
 * Closure: the enclosing function's variables the body names are read when the lambda is made, and
 * so are its parameters' defaults (as Python evaluates them). Python reads the variables when the
 * lambda is called; code that rebinds one after making the lambda is not seen by it. A module's
 * variables (a lambda written at the top level) are read when it is called, as globals are.
 */
import type { Frame, PathState } from '../values/state';
import { parameters, type FunctionInfo } from '../workspace-index/module-index';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';

export type LambdaValue = Extract<Value, { t: 'lambda' }>;

/** The function each lambda is, by its node (kept while its statement is: nodes are reused with it). */
const FUNCTIONS = new WeakMap<SyntaxNode, FunctionInfo>();

/**
 * The function a lambda is: named after the function it is written in, like Python's `__qualname__`
 * (`Attention.__init__.<lambda>`; `<lambda>` at a module's top level), its id unique per lambda.
 */
export function lambdaFunction(node: SyntaxNode, enclosing: FunctionInfo): FunctionInfo {
  let fn = FUNCTIONS.get(node);
  if (!fn) {
    const qualName = enclosing.name === '<module>' ? '<lambda>' : `${enclosing.qualName}.<lambda>`;
    fn = {
      id: `${enclosing.path}:${qualName}@${node.unit.id}:${node.start}`, path: enclosing.path, qualName, name: '<lambda>', className: null,
      params: parameters(node), body: [], decorators: [], decoratorNodes: [], node,
    };
    FUNCTIONS.set(node, fn);
  }
  return fn;
}

/** The function a lambda value calls (made when the value was). */
export function functionOfLambda(v: LambdaValue): FunctionInfo {
  return FUNCTIONS.get(v.node)!;
}

/** `lambda …: body` evaluated on a path: the value, with what it captures from the enclosing function. */
export function lambdaValue(node: SyntaxNode, st: PathState, fr: Frame, evaluate: (n: SyntaxNode) => Value): Value {
  const fn = lambdaFunction(node, fr.fn);
  const own = new Set(fn.params.map((p) => p.name));
  const body = field(node, 'body');
  // A module's variables are its globals, read when the lambda is called.
  const names = fr.fn.name === '<module>' || !body ? [] : [...new Set(identifiers(body))].filter((n) => !own.has(n) && st.env.has(n)).sort();
  const defaults = fn.params.flatMap((p) => (p.default ? [[p.name, evaluate(p.default)] as const] : []));
  return { t: 'lambda', id: fn.id, node, captured: names.map((n) => [n, st.env.get(n)!] as const), defaults };
}

/** The names an expression reads (attribute names and keywords included: capturing one too many is harmless). */
function identifiers(node: SyntaxNode): string[] {
  return node.type === 'identifier' ? [textOf(node)] : node.children.flatMap(identifiers);
}

/** The default of a lambda's parameter, as evaluated where the lambda was made (for a parameter the call does not give). */
export function lambdaDefault(v: Value | undefined, name: string): Value | undefined {
  return v?.t === 'lambda' ? v.defaults.find(([n]) => n === name)?.[1] : undefined;
}
