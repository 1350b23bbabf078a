/** Text edits rules offer as fixes. */
import type { Dtype } from '../../../runtime/dispatch/facts';
import { spanOf, textOf, type SyntaxNode } from '../syntax';
import type { Span, TextEdit } from '../report';

function endOf(span: Span): Span {
  return { line: span.endLine, column: span.endColumn, endLine: span.endLine, endColumn: span.endColumn };
}

/** Append `.to(torch.<dtype>)` to an argument (parenthesised when it is not a simple primary). */
export function castEdits(node: SyntaxNode, to: Dtype): TextEdit[] {
  const simple = /^[\w.]+(\(.*\))?(\[.*\])?$/s.test(textOf(node)) && !/\s/.test(textOf(node));
  const span = spanOf(node);
  if (simple) return [{ span: endOf(span), newText: `.to(torch.${to})` }];
  const start = { line: span.line, column: span.column, endLine: span.line, endColumn: span.column };
  return [{ span: start, newText: '(' }, { span: endOf(span), newText: `).to(torch.${to})` }];
}

/** Replace a node's text. */
export function replaceEdit(node: SyntaxNode, newText: string): TextEdit {
  return { span: spanOf(node), newText };
}
