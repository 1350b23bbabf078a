/** How a path at a call is put in words by every face (text, code lens, hover, tests): per case, and why it is not reached. */
import type { Decision } from '../../../runtime/dispatch/decision';
import type { Mode } from '../../../runtime/dispatch/facts';
import type { CallReport, ModeResult } from '../report';

/**
 * The decision in `words`, or where the verdict differs by case each case's, followed by the case
 * (`when` prepares its words for the face: escaped for a terminal) and joined by `separator`:
 * `efficient (flash off: float32) without autocast · flash under …`.
 */
export function perCase(result: ModeResult, words: (d: Decision) => string, separator: string, when: (w: string) => string = (w) => w): string {
  return result.cases ? result.cases.map((c) => `${words(c.decision)} ${when(c.when)}`).join(separator) : words(result.decision);
}

/** Why no path of a kind reaches a call: the code's own condition, or the other path kind alone reaching it. */
export function unreachedWhy(call: CallReport, kind: Mode): string {
  const blocked = call.modes[kind].blockedBy;
  if (blocked) return blocked.why;
  const other: Mode = kind === 'train' ? 'infer' : 'train';
  return call.modes[other].reached === false ? 'no caller in these files reaches it'
    : `the callers in these files reach it on the ${other === 'train' ? 'training' : 'inference'} path only`;
}
