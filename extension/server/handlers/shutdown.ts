import type { Session } from '../session';

export async function shutdown(session: Session): Promise<void> {
  session.runtime.dispose();
  await session.disposeAnalysis();
}
