import type { Session } from '../session';

export function shutdown(session: Session): void {
  session.runtime.dispose();
}
