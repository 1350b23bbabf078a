/**
 * The library attention functions a branch calls where it is written (`flash_attn_func(…)` in the
 * `else:` of Hugging Face's `if attention_mask is not None: … flash_attn_varlen_func(…)`), for
 * `dead-fast-path`: a gate that keeps a path off one flash-attn call while the branch it takes calls
 * flash-attn too does not cost that path flash-attn. Only calls written in the branch count (not
 * those of the helpers it calls, nor of nested `def`s and lambdas); the callee is resolved by
 * evaluating its name on the path, never by its spelling.
 */
import type { AttentionApi } from '../../runtime/dispatch/facts';
import { attentionApiOf } from './attention-apis';
import { field, type SyntaxNode } from './syntax';
import type { Value } from './values';

const NOT_RUN_HERE = new Set(['function_definition', 'class_definition', 'lambda', 'decorated_definition']);

/** The attention APIs of the library functions `stmts` call directly; `resolve` evaluates a callee's name. */
export function libraryCallsIn(stmts: readonly SyntaxNode[], resolve: (callee: SyntaxNode) => Value): AttentionApi[] {
  const out = new Set<AttentionApi>();
  const walk = (node: SyntaxNode): void => {
    if (NOT_RUN_HERE.has(node.type)) return;
    if (node.type === 'call') {
      const callee = field(node, 'function');
      if (callee && isDottedName(callee)) {
        const v = resolve(callee);
        const spec = v.t === 'ref' ? attentionApiOf(v.name) : undefined;
        if (spec && spec.api !== 'sdpa') out.add(spec.api);
      }
    }
    for (const c of node.children) walk(c);
  };
  for (const s of stmts) walk(s);
  return [...out];
}

/** `name` or `a.b.name`: evaluating it only looks names up (a call in it, `make().fn`, would run code). */
function isDottedName(node: SyntaxNode): boolean {
  if (node.type === 'identifier') return true;
  const obj = field(node, 'object');
  return node.type === 'attribute' && obj !== undefined && obj !== null && isDottedName(obj);
}

/** The library an API belongs to, for comparing a call with the ones beside it. */
export function libraryOf(api: AttentionApi): 'flash_attn' | 'xformers' | undefined {
  return api.startsWith('flash_attn') ? 'flash_attn' : api === 'memory_efficient_attention' ? 'xformers' : undefined;
}
