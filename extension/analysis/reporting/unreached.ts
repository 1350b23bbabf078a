/** Why no path of a kind reaches a call, in words: the code's own condition, or the other path kind alone reaching it. */
import type { Mode } from '../../../runtime/dispatch/facts';
import type { CallReport } from '../report';

export function unreachedWhy(call: CallReport, kind: Mode): string {
  const blocked = call.modes[kind].blockedBy;
  if (blocked) return blocked.why;
  const other: Mode = kind === 'train' ? 'infer' : 'train';
  return call.modes[other].reached === false ? 'no caller in these files reaches it'
    : `the callers in these files reach it on the ${other === 'train' ? 'training' : 'inference'} path only`;
}
