import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { contains, toHover, toRange } from '../convert';
import type { Session } from '../session';
import { sameSpan } from '../../analysis/syntax/positions';

export function hover(session: Session, params: HoverParams): Hover | null {
  const calls = session.analysis(params.textDocument.uri)?.report.calls.filter((c) => contains(c.span, params.position)) ?? [];
  const first = calls[0];
  if (first === undefined) return null;
  // A call of a choice between library functions (`attn = flash_attn_func if … else F.scaled_dot_product_attention`)
  // is one report per function, on one span: each gets its section.
  const same = calls.filter((c) => sameSpan(c.span, first.span));
  const value = same.map((c) => toHover(c, { settings: session.settings, latency: session.latency(c) }).value).join('\n\n---\n\n');
  return { contents: { kind: MarkupKind.Markdown, value }, range: toRange(first.span) };
}
