import type { CancellationToken } from 'vscode-languageserver';
import type { RuntimeReport } from '../../protocol';
import type { Session } from '../session';

/** attnlens/runtimeReport: the preferred providers, adapter and each kernel's parity (the `attnlens doctor` data). */
export function runtimeReport(session: Session, _params: void, token: CancellationToken): Promise<RuntimeReport> {
  return session.runtime.report(session.settings.providers, token);
}
