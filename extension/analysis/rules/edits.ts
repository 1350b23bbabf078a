/** Text edits rules offer as fixes. */
import type { Dtype } from '../../../runtime/dispatch/facts';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { spanOf } from '../syntax/positions';
import type { Fix, TextEdit } from '../report';

/** Append `.to(torch.<dtype>)` to an argument (parenthesised when it is not a simple primary). */
export function castEdits(node: SyntaxNode, to: Dtype): TextEdit[] {
  const simple = /^[\w.]+(\(.*\))?(\[.*\])?$/s.test(textOf(node)) && !/\s/.test(textOf(node));
  if (simple) return [{ span: spanOf(node, 'end'), newText: `.to(torch.${to})` }];
  return [{ span: spanOf(node, 'start'), newText: '(' }, { span: spanOf(node, 'end'), newText: `).to(torch.${to})` }];
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
