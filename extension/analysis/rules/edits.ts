/** Text edits rules offer as fixes. */
import type { Dtype } from '../../../runtime/dispatch/facts';
import { textOf, type SyntaxNode } from '../syntax';
import { spanOf } from '../positions';
import type { TextEdit } from '../report';

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
