import type { ClearCacheResult } from '../../protocol';
import type { Session } from '../session';

export function clearMeasurementCache(session: Session): ClearCacheResult {
  const removed = session.measurements.clear();
  session.measurements.sync([], session.settings.measurement.maxMillis);
  session.scheduleAnalysis();
  return { removed };
}
