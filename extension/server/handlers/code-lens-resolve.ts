import type { CodeLens } from 'vscode-languageserver';
import { resolveCodeLens, type LensData } from '../convert';
import type { Session } from '../session';

/** Titles are computed late so that latency measured since the lens was listed shows. */
export function codeLensResolve(session: Session, lens: CodeLens): CodeLens {
  const data = lens.data as LensData;
  const call = session.call(data.uri, data.index);
  if (call === undefined) return { ...lens, command: { title: 'out of date', command: '' } };
  return resolveCodeLens(lens, call, session.latency(call));
}
