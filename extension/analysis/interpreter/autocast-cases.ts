/**
 * The caller's autocast where no file shows it (issue #13 item 4: verdicts per case). An entry point
 * run with no caller has an open autocast; where an attention call it reaches ran under that open
 * autocast, the entry point runs again under each autocast a training script picks from (none,
 * float16, bfloat16), and the call's verdict is given per case (reporting/cases.ts). The runs under
 * the open autocast are kept only for calls no case run reached.
 */
import { known, unknown, type Dtype, type Fact, type Mode } from '../../../runtime/dispatch/facts';
import type { AttentionApi } from '../../../runtime/dispatch/facts';
import type { Observation } from '../values/state';
import type { SyntaxNode } from '../syntax/syntax';

const OPEN = 'whether the caller runs under autocast';
const CASE = 'a case: no caller in these files shows the autocast';

/** An entry point's autocast where the setting leaves it open and no case is being run. */
export const OPEN_AUTOCAST: Fact<Dtype | null> = unknown(OPEN);

/** The cases an open autocast is evaluated in, in the order verdicts list them. */
export const AUTOCAST_CASES: readonly Fact<Dtype | null>[] = [
  known(null, `no autocast (${CASE})`),
  known('float16', `autocast float16 (${CASE})`),
  known('bfloat16', `autocast bfloat16 (${CASE})`),
];

/** Whether an attention call ran under an entry point's open autocast. */
export function underOpenAutocast(o: Observation): boolean {
  return !o.ctx.autocast.known && o.ctx.autocast.dependsOn === OPEN;
}

/** Whether an attention call ran under one of the cases of an open autocast. */
export function underAutocastCase(o: Observation): boolean {
  return o.ctx.autocast.known && o.ctx.autocast.source.endsWith(`(${CASE})`);
}

/**
 * The observations to report: where case runs reached a call on a path kind, those under the open
 * autocast there are superseded (the cases say what the open autocast left unknown).
 */
export function withoutSuperseded(observations: readonly Observation[]): readonly Observation[] {
  const cased = new Map<SyntaxNode, Set<string>>();
  const key = (o: Observation): string => `${o.api as AttentionApi}|${o.ctx.mode.value as Mode}`;
  for (const o of observations) {
    if (!underAutocastCase(o)) continue;
    let keys = cased.get(o.site);
    if (!keys) cased.set(o.site, keys = new Set());
    keys.add(key(o));
  }
  if (cased.size === 0) return observations;
  return observations.filter((o) => !underOpenAutocast(o) || !cased.get(o.site)?.has(key(o)));
}
