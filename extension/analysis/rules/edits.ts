/** Text edits rules offer as fixes. */
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import type { Fix, TextEdit } from '../report';

/** Whether `.method(…)` can follow an expression as written (a name, attribute, call or subscript with no spaces). */
export function isSimplePrimary(node: SyntaxNode): boolean {
  return /^[\w.]+(\(.*\))?(\[.*\])?$/s.test(textOf(node)) && !/\s/.test(textOf(node));
}

/**
 * Whether an expression only names a value (`k`, `self.k`): reading its `.dtype` in a fix computes
 * nothing, where `k.bfloat16().dtype` or `self.k_proj(x).dtype` would run the call a second time.
 */
export function isReference(node: SyntaxNode): boolean {
  if (node.type === 'identifier') return true;
  const object = node.type === 'attribute' ? field(node, 'object') : undefined;
  return object !== undefined && isReference(object);
}

/** Append `.to(<dtype>)` to an argument (parenthesised when it is not a simple primary); `to` is `torch.float16` or `v.dtype`. */
export function castEdits(node: SyntaxNode, to: string): TextEdit[] {
  if (isSimplePrimary(node)) return [{ span: spanOf(node, 'end'), newText: `.to(${to})` }];
  return [{ span: spanOf(node, 'start'), newText: '(' }, { span: spanOf(node, 'end'), newText: `).to(${to})` }];
}

/** Replace a node's text. */
export function replaceEdit(node: SyntaxNode, newText: string): TextEdit {
  return { span: spanOf(node), newText };
}

/** `name=value` at a call: the written argument's value replaced, or the keyword added after the last argument. */
export function keywordFix(call: SyntaxNode, written: SyntaxNode | null, name: string, value: string): Fix | undefined {
  const title = `Pass ${name}=${value}`;
  if (written) return { title, edits: [replaceEdit(written, value)] };
  const last = namedChildren(field(call, 'arguments') ?? call).at(-1);
  return last ? { title, edits: [{ span: spanOf(last, 'end'), newText: `, ${name}=${value}` }] } : undefined;
}
