/**
 * PyTorch's SDPA backend switches (`sdpa_kernel`, `enable_*_sdp`): a backend switched off is
 * rejected with ATen's own words and the switch's place; `set_priority=True` reorders the backends.
 */
import { dependsOn, OK, rejected, type BackendRule, type Condition } from '../check';
import type { CallContext } from '../context';
import type { SdpaBackend } from '../facts';
import { torch } from '../messages';

/** The `short` of a verdict a switch decided, for code lenses and rules that tell switches from refusals. */
export const SWITCHED_OFF = 'runtime disabled';

/**
 * Rejects the backend when a switch turned it off; an unknown switch makes it depend on that switch,
 * and an unknown `set_priority` order makes every enabled backend depend on it.
 */
export function switchedOn(backend: SdpaBackend): Condition {
  return (c) => {
    const switches = c.facts.sdpaBackends;
    const on = switches?.enabled[backend];
    const order = switches?.priority;
    const ordered = order && !order.known ? dependsOn([order.dependsOn]) : OK;
    if (!on) return ordered;
    if (!on.known) return dependsOn([on.dependsOn]);
    return on.value ? ordered : rejected(`${torch.runtimeDisabled(backend)} (${on.source})`, SWITCHED_OFF);
  };
}

/** Whether a switch provably turned `backend` off at the call. */
export function switchedOff(c: CallContext, backend: SdpaBackend): boolean {
  const on = c.facts.sdpaBackends?.enabled[backend];
  return on?.known === true && !on.value;
}

/**
 * The rules in the order `set_priority=True` gave, then the others in `rules`' own order (PyTorch
 * appends them in the order they had); PyTorch's order when no priority is set.
 */
export function inPriority(c: CallContext, rules: { readonly [B in SdpaBackend]?: BackendRule }, defaults: readonly BackendRule[]): readonly BackendRule[] {
  const priority = c.facts.sdpaBackends?.priority;
  if (!priority?.known) return defaults;
  const listed = priority.value.flatMap((b) => rules[b] ?? []);
  const rest = (Object.keys(rules) as SdpaBackend[]).filter((b) => !priority.value.includes(b)).flatMap((b) => rules[b] ?? []);
  return [...listed, ...rest];
}
