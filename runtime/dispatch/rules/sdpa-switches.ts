/**
 * PyTorch's SDPA backend switches (`sdpa_kernel`, `enable_*_sdp`): a backend switched off is
 * rejected with ATen's own words and the switch's place; `set_priority=True` reorders the backends.
 */
import { need, OK, rejected, type BackendRule, type Condition } from '../check';
import type { CallContext } from '../context';
import type { SdpaBackend } from '../facts';
import { torch } from '../messages';

/** Rejects the backend when a switch turned it off; an unknown switch makes it depend on that switch. */
export function switchedOn(backend: SdpaBackend): Condition {
  return (c) => {
    const on = c.facts.sdpaBackends?.enabled[backend];
    if (!on) return OK;
    return need([on], (enabled) => enabled || !on.known ? OK : rejected(`${torch.runtimeDisabled(backend)} (${on.source})`, 'runtime disabled'));
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
