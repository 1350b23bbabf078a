/**
 * Runs one policy over one call: the library's validation first (a failure raises), then the
 * backends in order; the first one not rejected decides the outcome.
 */
import type { BackendRule, Check, Condition } from './check';
import type { CallContext } from './context';
import type { BackendId, Decision, DtypeWarning, Outcome, PolicyId, Verdict } from './decision';

export interface Policy {
  readonly id: PolicyId;
  /** Whether autocast casts the call's inputs (only SDPA among the libraries; RULES.md). */
  readonly autocastAware: boolean;
  /** Checks the library makes before it picks a kernel; any failure raises. */
  readonly validation: readonly Condition[];
  readonly backends: readonly BackendRule[];
  /** The library's error when every backend is rejected (omitted where a backend always accepts). */
  readonly exhausted?: (call: CallContext, verdicts: readonly Verdict[]) => string;
  readonly warnings: (call: CallContext) => readonly DtypeWarning[];
  readonly notes: (call: CallContext, chosen: BackendId | null) => readonly string[];
}

type Status = Verdict['status'] | 'raises';
interface Judged { readonly backend: BackendId; readonly status: Status; readonly reasons: string[]; readonly short?: string }

export function evaluate(policy: Policy, call: CallContext): Decision {
  const gate = validate(policy.validation, call);
  const judged = policy.backends.filter((b) => b.candidate?.(call) ?? true).map((b) => judge(b, call));
  const warnings = policy.warnings(call);

  if (gate.raised) {
    const error = gate.raised.reason;
    const verdicts = judged.map((j) => verdict(j.backend, 'rejected', [error], gate.raised?.short));
    const earlier = gate.pending.length > 0 ? [`an earlier check may raise first: it ${gate.pending.join('; ')}`] : [];
    return { policy: policy.id, outcome: 'raises', backend: null, error, verdicts, warnings, notes: [...earlier, ...policy.notes(call, null)] };
  }

  const pending = gate.pending;
  const first = judged.find((j) => j.status !== 'rejected');
  const verdicts = judged.map((j) => {
    if (j.status === 'rejected') return verdict(j.backend, 'rejected', j.reasons, j.short);
    if (pending.length > 0) return verdict(j.backend, 'depends', [...pending, ...j.reasons]);
    return verdict(j.backend, j.status === 'raises' ? 'rejected' : j.status, j.reasons, j.short);
  });

  if (!first) {
    const error = policy.exhausted?.(call, verdicts) ?? `no ${policy.id} backend accepts this call`;
    return { policy: policy.id, outcome: pending.length > 0 ? 'depends' : 'raises', backend: null,
      ...(pending.length > 0 ? {} : { error }), verdicts, warnings, notes: policy.notes(call, null) };
  }
  const outcome: Outcome = pending.length > 0 || first.status === 'depends' ? 'depends'
    : first.status === 'raises' ? 'raises' : 'runs';
  const backend = outcome === 'raises' ? null : first.backend;
  const error = outcome === 'raises' ? { error: first.reasons[0] } : {};
  return { policy: policy.id, outcome, backend, ...error, verdicts, warnings, notes: policy.notes(call, backend) };
}

function verdict(backend: BackendId, status: Verdict['status'], reasons: readonly string[], short?: string): Verdict {
  return short === undefined ? { backend, status, reasons } : { backend, status, reasons, short };
}

/** Validation stops at the first check that raises, as the library does; unknowns before it are pending. */
function validate(conditions: readonly Condition[], call: CallContext): { raised?: Check & { kind: 'raises' }; pending: string[] } {
  const pending: string[] = [];
  for (const condition of conditions) {
    const check = condition(call);
    if (check.kind === 'raises' || check.kind === 'rejected') return { raised: { ...check, kind: 'raises' }, pending };
    if (check.kind === 'depends') pending.push(check.reason);
  }
  return { pending };
}

/** A backend is rejected if any condition rejects it; else it depends on any unknown; else a raising condition makes it raise. */
function judge(rule: BackendRule, call: CallContext): Judged {
  const checks = rule.conditions.map((c) => c(call));
  const of = (kind: Check['kind']) => checks.filter((c) => c.kind === kind) as (Check & { reason: string })[];
  for (const status of ['rejected', 'depends', 'raises'] as const) {
    const hits = of(status);
    if (hits.length === 0) continue;
    const reasons = [...hits, ...(status === 'depends' ? of('raises') : [])].map((c) => c.reason);
    const short = 'short' in hits[0] ? (hits[0] as { short: string }).short : undefined;
    return short === undefined ? { backend: rule.backend, status, reasons } : { backend: rule.backend, status, reasons, short };
  }
  return { backend: rule.backend, status: 'accepted', reasons: [] };
}
