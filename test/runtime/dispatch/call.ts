/**
 * Builders for dispatch tests: a CallFacts / Environment with known defaults (B2 H8 L128 D64,
 * float16, inference, no mask, CUDA sm80, torch 2.5, both libraries installed) plus overrides,
 * so each table row is one line. A plain value becomes a known fact; pass `U('…')` for unknown.
 */
import assert from 'node:assert/strict';
import type { KernelCapability } from '../../../runtime/dispatch/capabilities';
import type { BackendId, Decision, Outcome, Verdict } from '../../../runtime/dispatch/decision';
import { decide } from '../../../runtime/dispatch/policy';
import {
  known, unknown, type AttentionApi, type CallFacts, type Dtype, type Environment, type Fact,
  type Layout, type MaskKind, type Mode, type SdpaSwitches, type UnknownFact,
} from '../../../runtime/dispatch/facts';

type Val<T> = T | Fact<T>;

export const U = (dependsOn: string): UnknownFact => unknown(dependsOn);

function fact<T>(value: Val<T>): Fact<T> {
  const isFact = value !== null && typeof value === 'object' && 'known' in (value as object);
  return isFact ? (value as Fact<T>) : known(value as T, 'test');
}

export interface CallSpec {
  api?: AttentionApi;
  mode?: Val<Mode>;
  q?: Val<Dtype>; k?: Val<Dtype>; v?: Val<Dtype>;
  autocast?: Val<Dtype | null>;
  mask?: Val<MaskKind>;
  maskDtype?: Val<Dtype>;
  maskShape?: Val<readonly (number | null)[]>;
  maskClass?: string;
  causal?: Val<boolean>;
  dropout?: Val<number>;
  batch?: Val<number>; heads?: Val<number>; kvHeads?: Val<number>;
  seqQ?: Val<number>; seqKv?: Val<number>; headDim?: Val<number>; headDimV?: Val<number>;
  /** Lengths the code shows equal though unknown (`CallFacts.shape.sameLength`). */
  sameLength?: boolean;
  layout?: Val<Layout>;
  /** q, k, v ranks, all the same (absent: not shown by the code). */
  rank?: number;
  /** nn.MultiheadAttention's need_weights (absent: not stated). */
  needWeights?: Val<boolean>;
  /** SDPA's enable_gqa (absent: not passed). */
  enableGqa?: Val<boolean>;
  sdpaBackends?: SdpaSwitches;
}

export function call(s: CallSpec = {}): CallFacts {
  const q = s.q ?? 'float16';
  const heads = s.heads ?? 8;
  const headDim = s.headDim ?? 64;
  return {
    api: s.api ?? 'sdpa',
    mode: fact(s.mode ?? 'infer'),
    dtypes: { q: fact(q), k: fact(s.k ?? q), v: fact(s.v ?? q) },
    autocast: fact<Dtype | null>(s.autocast === undefined ? null : s.autocast),
    mask: {
      kind: fact(s.mask ?? 'none'),
      ...(s.mask === 'float' || s.maskDtype !== undefined ? { dtype: fact(s.maskDtype ?? q) } : {}),
      ...(s.maskShape !== undefined ? { shape: fact(s.maskShape) } : {}),
      ...(s.maskClass !== undefined ? { className: s.maskClass } : {}),
    },
    causal: fact(s.causal ?? false),
    dropout: fact(s.dropout ?? 0),
    shape: {
      batch: fact(s.batch ?? 2), heads: fact(heads), kvHeads: fact(s.kvHeads ?? heads),
      seqQ: fact(s.seqQ ?? 128), seqKv: fact(s.seqKv ?? 128),
      headDim: fact(headDim), headDimV: fact(s.headDimV ?? headDim),
      ...(s.sameLength !== undefined ? { sameLength: fact(s.sameLength) } : {}),
      ...(s.rank !== undefined ? { ranks: known({ q: s.rank, k: s.rank, v: s.rank }, 'test') } : {}),
    },
    layout: fact(s.layout ?? 'BHLD'),
    ...(s.needWeights !== undefined ? { needWeights: fact(s.needWeights) } : {}),
    ...(s.enableGqa !== undefined ? { enableGqa: fact(s.enableGqa) } : {}),
    ...(s.sdpaBackends ? { sdpaBackends: s.sdpaBackends } : {}),
  };
}

export interface EnvSpec {
  device?: Environment['device'];
  torch?: readonly [number, number];
  sm?: number;
  cudnn?: Val<readonly [number, number]>;
  flashAttn?: Val<boolean>;
  xformers?: Val<boolean>;
}

export function env(s: EnvSpec = {}): Environment {
  return {
    device: s.device ?? 'cuda',
    torch: s.torch ?? [2, 5],
    sm: s.sm ?? 80,
    ...(s.cudnn !== undefined ? { cudnn: fact(s.cudnn) } : {}),
    installed: { flash_attn: fact(s.flashAttn ?? true), xformers: fact(s.xformers ?? true) },
  };
}

/** What a row expects; only the fields given are checked. Reasons are exact texts a verdict must contain. */
export interface Expect {
  outcome: Outcome;
  backend?: BackendId | null;
  error?: string;
  /** The error starts with this (for multi-line errors). */
  errorStarts?: string;
  status?: Record<BackendId, Verdict['status']>;
  reasons?: Record<BackendId, string>;
  /** Backends that must not be candidates at all. */
  absent?: BackendId[];
  /** A note must contain each of these. */
  notes?: string[];
  /** The candidates, exactly, in the order tried. */
  order?: BackendId[];
}

export function expectDecision(d: Decision, x: Expect): void {
  const show = JSON.stringify(d, null, 1);
  assert.equal(d.outcome, x.outcome, show);
  if (x.backend !== undefined) assert.equal(d.backend, x.backend, show);
  if (x.error !== undefined) assert.equal(d.error, x.error, show);
  if (x.errorStarts !== undefined) assert.ok(d.error?.startsWith(x.errorStarts), show);
  const verdict = (b: BackendId) => {
    const v = d.verdicts.find((vv) => vv.backend === b);
    assert.ok(v, `no verdict for ${b}: ${show}`);
    return v;
  };
  for (const [b, status] of Object.entries(x.status ?? {})) assert.equal(verdict(b).status, status, show);
  for (const [b, reason] of Object.entries(x.reasons ?? {})) assert.ok(verdict(b).reasons.includes(reason), `${b} lacks reason «${reason}»: ${show}`);
  for (const b of x.absent ?? []) assert.ok(!d.verdicts.some((v) => v.backend === b), `${b} should not be a candidate: ${show}`);
  if (x.order !== undefined) assert.deepEqual(d.verdicts.map((v) => v.backend), x.order, show);
  for (const n of x.notes ?? []) assert.ok(d.notes.some((note) => note.includes(n)), `no note with «${n}»: ${show}`);
}

export type Row = readonly [name: string, facts: CallFacts, env: Environment, expect: Expect];

/** One mocha test per row. */
export function runRows(rows: readonly Row[], web: readonly KernelCapability[] = []): void {
  for (const [name, facts, environment, expected] of rows) {
    it(name, () => expectDecision(decide(facts, environment, web), expected));
  }
}
