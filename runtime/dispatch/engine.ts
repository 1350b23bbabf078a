/**
 * Runs one policy over one call: the library's validation first (a failure raises), then the
 * backends in order; the first one not rejected decides the outcome.
 */
import { distinctClauses, type BackendRule, type Check, type Condition } from './check';
import type { CallContext } from './context';
import type { BackendId, Decision, DtypeWarning, Outcome, PolicyId, Verdict } from './decision';

export interface Policy {
  readonly id: PolicyId;
  /** Whether autocast casts the call's inputs (only SDPA among the libraries; RULES.md). */
  readonly autocastAware: boolean;
  /** Checks the library makes before it picks a kernel; any failure raises. */
  readonly validation: readonly Condition[];
  readonly backends: readonly BackendRule[];
  /** The backends in the order this call tries them, where the call can change it (SDPA's `set_priority`); default `backends`. */
  readonly order?: (call: CallContext) => readonly BackendRule[];
  /** The library's error when every backend is rejected (omitted where a backend always accepts). */
  readonly exhausted?: (call: CallContext, verdicts: readonly Verdict[]) => string;
  readonly warnings: (call: CallContext) => readonly DtypeWarning[];
  readonly notes: (call: CallContext, chosen: BackendId | null) => readonly string[];
}

type Status = Verdict['status'] | 'raises';
type Failure = Exclude<Check, { kind: 'ok' }>;
interface Judged { readonly backend: BackendId; readonly status: Status; readonly reasons: string[]; readonly short?: string; readonly unknowns?: readonly string[] }
type Pending = Extract<Check, { kind: 'depends' }>;

export function evaluate(policy: Policy, call: CallContext): Decision {
  const gate = validate(policy.validation, call);
  const judged = (policy.order?.(call) ?? policy.backends).filter((b) => b.candidate?.(call) ?? true).map((b) => judge(b, call));
  const all = policy.warnings(call);

  if (gate.raised) {
    const error = gate.raised.reason;
    const verdicts = judged.map((j) => verdict(j.backend, 'rejected', [error], gate.raised?.short));
    const earlier = gate.pending.length > 0 ? [`an earlier check may raise first: it ${gate.pending.map((p) => p.reason).join('; ')}`] : [];
    return { policy: policy.id, outcome: 'raises', backend: null, error, verdicts, warnings: all.map(certain), notes: [...earlier, ...policy.notes(call, null)] };
  }
  const warnings = kernelWarnings(all, judged, gate.pending.length > 0);

  const pending = gate.pending;
  const first = judged.find((j) => j.status !== 'rejected');
  const verdicts = judged.map((j) => {
    if (j.status === 'rejected') return verdict(j.backend, 'rejected', j.reasons, j.short);
    if (pending.length > 0) {
      return { ...verdict(j.backend, 'depends', [...pending.map((p) => p.reason), ...j.reasons]), unknowns: distinctClauses([...pending.flatMap((p) => p.unknowns), ...j.unknowns ?? []]) };
    }
    const v = verdict(j.backend, j.status === 'raises' ? 'rejected' : j.status, j.reasons, j.short);
    return j.unknowns ? { ...v, unknowns: j.unknowns } : v;
  });

  if (!first) {
    const base = { policy: policy.id, backend: null, verdicts, warnings, notes: policy.notes(call, null) };
    if (pending.length > 0) return { ...base, outcome: 'depends' };
    return { ...base, outcome: 'raises', error: policy.exhausted?.(call, verdicts) ?? `no ${policy.id} backend accepts this call` };
  }
  const outcome: Outcome = pending.length > 0 || first.status === 'depends' ? 'depends'
    : first.status === 'raises' ? 'raises' : 'runs';
  const backend = outcome === 'raises' ? null : first.backend;
  const error = outcome === 'raises' ? { error: first.reasons[0] } : {};
  return { policy: policy.id, outcome, backend, ...error, verdicts, warnings, notes: policy.notes(call, backend) };
}

/**
 * A warning only one kernel raises for (`raisedBy`) holds where that kernel is the first one not
 * rejected and raises; it is `possible` where it may be picked (a kernel before it, or it, depends);
 * it is dropped where another kernel runs or it is rejected.
 */
function kernelWarnings(warnings: readonly DtypeWarning[], judged: readonly Judged[], pending: boolean): DtypeWarning[] {
  return warnings.flatMap((w) => {
    if (!w.raisedBy) return [w];
    const at = judged.findIndex((j) => j.backend === w.raisedBy!.backend);
    const before = judged.slice(0, at);
    if (at < 0 || judged[at]!.status === 'rejected' || before.some((j) => j.status === 'accepted' || j.status === 'raises')) return [];
    const sure = !pending && judged[at]!.status === 'raises' && before.every((j) => j.status === 'rejected');
    return [sure ? certain(w) : { ...certain(w), possible: w.raisedBy.when }];
  });
}

/** The warning as a decision gives it: `raisedBy` is for the engine, which says only whether the warning is certain. */
function certain(w: DtypeWarning): DtypeWarning {
  if (!w.raisedBy) return w;
  const { raisedBy: _kernel, ...warning } = w;
  return warning;
}

function verdict(backend: BackendId, status: Verdict['status'], reasons: readonly string[], short?: string): Verdict {
  return short === undefined ? { backend, status, reasons } : { backend, status, reasons, short };
}

/** Validation stops at the first check that raises, as the library does; unknowns before it are pending. */
function validate(conditions: readonly Condition[], call: CallContext): { raised?: Extract<Failure, { kind: 'raises' }>; pending: Pending[] } {
  const pending: Pending[] = [];
  for (const condition of conditions) {
    const check = condition(call);
    if (check.kind === 'raises' || check.kind === 'rejected') return { raised: { ...check, kind: 'raises' }, pending };
    if (check.kind === 'depends') pending.push(check);
  }
  return { pending };
}

/** A backend is rejected if any condition rejects it; else it depends on any unknown; else a raising condition makes it raise. */
function judge(rule: BackendRule, call: CallContext): Judged {
  const checks = rule.conditions.map((c) => c(call));
  const failed = <K extends Failure['kind']>(kind: K) => checks.filter((c): c is Extract<Failure, { kind: K }> => c.kind === kind);
  const [rejections, unknowns, raising] = [failed('rejected'), failed('depends'), failed('raises')];
  const { backend } = rule;
  if (rejections.length > 0) return { backend, status: 'rejected', reasons: rejections.map((c) => c.reason), short: rejections[0].short };
  if (unknowns.length > 0) return { backend, status: 'depends', reasons: [...unknowns, ...raising].map((c) => c.reason), unknowns: distinctClauses(unknowns.flatMap((c) => c.unknowns)) };
  if (raising.length > 0) return { backend, status: 'raises', reasons: raising.map((c) => c.reason), short: raising[0].short };
  return { backend, status: 'accepted', reasons: [] };
}
