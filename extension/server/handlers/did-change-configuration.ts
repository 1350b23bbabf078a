import type { DidChangeConfigurationParams } from 'vscode-languageserver';
import type { Session } from '../session';

/** Clients without workspace/configuration push settings here (`{attnlens: {…}}` or the section itself). */
export async function didChangeConfiguration(session: Session, params: DidChangeConfigurationParams): Promise<void> {
  if (!session.client.configuration) {
    const pushed = params.settings as { attnlens?: unknown } | null | undefined;
    session.rawOptions = pushed?.attnlens ?? pushed;
  }
  await session.reconfigure();
  if (session.client.inlayHintRefresh) await session.connection.languages.inlayHint.refresh();
}
