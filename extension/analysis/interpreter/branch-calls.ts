/**
 * The library attention functions a branch calls where it is written (`flash_attn_func(…)` in the
 * `else:` of Hugging Face's `if attention_mask is not None: … flash_attn_varlen_func(…)`), for
 * `dead-fast-path`: a gate that keeps a path off one flash-attn call while the branch it takes calls
 * flash-attn too does not cost that path flash-attn. Only calls written in the branch count (not
 * those of the helpers it calls, nor of nested `def`s and lambdas); the callee is resolved by
 * evaluating its name on the path, never by its spelling.
 */
import type { AttentionApi } from '../../../runtime/dispatch/facts';
import { attentionApiOf, isFlashAttention } from '../values/attention-apis';
import { field, type SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';

const NOT_RUN_HERE = new Set(['function_definition', 'class_definition', 'lambda', 'decorated_definition']);

/**
 * The attention APIs of the library functions the side of the `if` at `cond` that a path takes
 * (`stmts`) calls directly; `resolve` evaluates a callee's name on that path. The callees are read
 * from the syntax once per side, not at every run of the `if`.
 */
export function libraryCallsIn(cond: SyntaxNode, taken: boolean, stmts: readonly SyntaxNode[], resolve: (callee: SyntaxNode) => Value): AttentionApi[] {
  const out = new Set<AttentionApi>();
  for (const callee of calleesOf(cond, taken, stmts)) {
    const v = resolve(callee);
    const spec = v.t === 'ref' ? attentionApiOf(v.name) : undefined;
    if (spec && spec.api !== 'sdpa') out.add(spec.api);
  }
  return [...out];
}

/** Per `if` condition, the dotted callees of the side taken when it is true and when it is false. */
const CALLEES = new WeakMap<SyntaxNode, { true?: SyntaxNode[]; false?: SyntaxNode[] }>();

function calleesOf(cond: SyntaxNode, taken: boolean, stmts: readonly SyntaxNode[]): SyntaxNode[] {
  const sides = CALLEES.get(cond) ?? {};
  CALLEES.set(cond, sides);
  const side = taken ? 'true' : 'false';
  if (sides[side]) return sides[side];
  const out: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    if (NOT_RUN_HERE.has(node.type)) return;
    const callee = node.type === 'call' ? field(node, 'function') : undefined;
    if (callee && isDottedName(callee)) out.push(callee);
    for (const c of node.children) walk(c);
  };
  for (const s of stmts) walk(s);
  return (sides[side] = out);
}

/** `name` or `a.b.name`: evaluating it only looks names up (a call in it, `make().fn`, would run code). */
function isDottedName(node: SyntaxNode): boolean {
  if (node.type === 'identifier') return true;
  const obj = field(node, 'object');
  return node.type === 'attribute' && obj !== undefined && obj !== null && isDottedName(obj);
}

/** The library an API belongs to, for comparing a call with the ones beside it. */
export function libraryOf(api: AttentionApi): 'flash_attn' | 'xformers' | undefined {
  return isFlashAttention(api) ? 'flash_attn' : api === 'memory_efficient_attention' ? 'xformers' : undefined;
}
