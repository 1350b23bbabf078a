/**
 * What the dispatch policy says about one call: which backend runs, why every other candidate
 * did not, and which dtype problems the call has. Produced by `decide()` (policy.ts), consumed by
 * the runtime, `attnlens check`, and the language server's code lens and hover.
 */
import type { Dtype } from './facts';

/**
 * A backend is one kernel family inside one library, e.g. `sdpa.flash`, `sdpa.efficient`,
 * `sdpa.math`, `flash_attn.fa2`, `xformers.cutlass`, `web.fused`, `web.math`.
 * The list lives in rules.ts; here it is an opaque id so the vocabulary does not depend on it.
 */
export type BackendId = string;

/** The ordered policy a call went through: one per library and device. */
export type PolicyId = 'sdpa-cuda' | 'sdpa-cpu' | 'flash-attn' | 'xformers' | 'multihead-attention' | 'manual' | 'web' | 'transformers' | 'diffusers' | 'flex-attention' | 'flash-attn-3' | 'flash-attn-4';

/** One candidate backend's verdict for this call. */
export interface Verdict {
  readonly backend: BackendId;
  /**
   * `accepted`: all its conditions hold. `rejected`: a condition fails (reasons say which,
   * in the library's words). `depends`: a condition hinges on an unknown fact (reasons start
   * with "depends on").
   */
  readonly status: 'accepted' | 'rejected' | 'depends';
  readonly reasons: readonly string[];
  /** `depends`: the unknown facts it waits on, each once (its reasons say them as sentences). */
  readonly unknowns?: readonly string[];
  /** A few words for the first rejection, for code lenses, e.g. "attn_mask is not None". */
  readonly short?: string;
}

/**
 * The call's outcome.
 * - `runs`: `backend` runs.
 * - `raises`: the library raises before any kernel runs; `error` is its message.
 * - `depends`: the outcome hinges on unknown facts; `backend` is the best case, if any.
 */
export type Outcome = 'runs' | 'raises' | 'depends';

/** An explicit conversion that makes the call valid or faster, e.g. q, k to float16. */
export interface Cast {
  readonly tensor: 'q' | 'k' | 'v' | 'bias';
  readonly from: Dtype;
  readonly to: Dtype;
}

/** A dtype problem: which tensors, what the library says, and the casts that fix it. */
export interface DtypeWarning {
  readonly code: 'dtype-mismatch' | 'dtype-unsupported' | 'bias-dtype';
  /** The library's own error text (RULES.md), verbatim so users can search for it. */
  readonly message: string;
  readonly casts: readonly Cast[];
  /** The fix in words, saying which dtype and why, e.g. "cast q, k from float32 to float16 (the dtype v has)". */
  readonly advice?: string;
  /**
   * Set by the policy where only one kernel raises for it (SDPA's memory-efficient kernel and a
   * float32 bias): that kernel, and the condition in words. The engine keeps the warning only where
   * that kernel may run.
   */
  readonly raisedBy?: { readonly backend: BackendId; readonly when: string };
  /** Set by the engine where the kernel that raises may or may not be picked: `raisedBy.when`. */
  readonly possible?: string;
}

export interface Decision {
  readonly policy: PolicyId;
  readonly outcome: Outcome;
  readonly backend: BackendId | null;
  /** Present when `outcome` is `raises`. */
  readonly error?: string;
  /** Every candidate in policy order, the chosen one included. */
  readonly verdicts: readonly Verdict[];
  readonly warnings: readonly DtypeWarning[];
  /** Notes that qualify the choice, e.g. "dropout is not implemented by the runtime: measured without it". */
  readonly notes: readonly string[];
}
