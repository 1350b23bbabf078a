import type { Hover, HoverParams } from 'vscode-languageserver';
import { contains, toHover, toRange } from '../convert';
import type { Session } from '../session';

export function hover(session: Session, params: HoverParams): Hover | null {
  const call = session.analysis(params.textDocument.uri)?.report.calls.find((c) => contains(c.span, params.position));
  if (call === undefined) return null;
  return { contents: toHover(call, { settings: session.settings, latency: session.latency(call) }), range: toRange(call.span) };
}
