import type { InlayHint, InlayHintParams } from 'vscode-languageserver';
import { toInlayHints } from '../convert';
import type { Session } from '../session';

export function inlayHint(session: Session, params: InlayHintParams): InlayHint[] {
  const doc = session.analysis(params.textDocument.uri);
  return doc === undefined || !session.settings.inlayHints ? [] : toInlayHints(doc.report, params.range);
}
