/**
 * One path's outcome at a call for the JSON format: the backend and every reason that explains it
 * (the text format uses describeDecision's short form instead).
 */
import type { BackendId, Outcome } from '../../../runtime/dispatch/decision';
import type { ModeResult } from '../../analysis/report';

export interface RejectedBackend {
  readonly backend: BackendId;
  readonly reasons: readonly string[];
}

export interface ModeSummary {
  readonly reached: boolean | null;
  readonly outcome: Outcome;
  /** The backend that runs; for `depends`, the best case if any; null when the call raises. */
  readonly backend: BackendId | null;
  /**
   * `raises`: the library's error. `depends`: the "depends on …" reasons. `runs`: why each
   * backend ahead of the chosen one in policy order was not taken ("sdpa.flash: reason"), then
   * the chosen backend's own reasons. Decision notes last in every case.
   */
  readonly why: readonly string[];
  /** Every rejected candidate, in policy order. */
  readonly rejected: readonly RejectedBackend[];
}

export function summarizeMode(mode: ModeResult): ModeSummary {
  const { decision } = mode;
  const verdicts = decision.verdicts;
  let why: string[];
  if (decision.outcome === 'raises') {
    why = decision.error === undefined ? [] : [decision.error];
  } else if (decision.outcome === 'depends') {
    // Several backends often depend on the same unknown fact: each reason once.
    why = [...new Set(verdicts.filter((v) => v.status === 'depends').flatMap((v) => v.reasons))];
  } else {
    const chosen = verdicts.findIndex((v) => v.backend === decision.backend);
    const ahead = chosen < 0 ? [] : verdicts.slice(0, chosen);
    why = [
      ...ahead.flatMap((v) => v.reasons.map((reason) => `${v.backend}: ${reason}`)),
      ...(chosen < 0 ? [] : verdicts[chosen]!.reasons),
    ];
  }
  return {
    reached: mode.reached,
    outcome: decision.outcome,
    backend: decision.outcome === 'raises' ? null : decision.backend,
    why: [...why, ...decision.notes],
    rejected: verdicts.filter((v) => v.status === 'rejected').map((v) => ({ backend: v.backend, reasons: v.reasons })),
  };
}
