/**
 * Shapes for estimates and measurements where the code does not establish them: each dimension
 * comes from the call's facts when known, else from the chosen default profile, and says which.
 */
import type { CallFacts, Fact } from '../../runtime/dispatch/facts';

export const SHAPE_PROFILE_NAMES = ['small', 'medium', 'long'] as const;
export type ShapeProfileName = (typeof SHAPE_PROFILE_NAMES)[number];

export interface ShapeProfile {
  readonly batch: number;
  readonly heads: number;
  readonly seq: number;
  readonly headDim: number;
}

export const SHAPE_PROFILES: Readonly<Record<ShapeProfileName, ShapeProfile>> = {
  small: { batch: 1, heads: 8, seq: 256, headDim: 64 },
  medium: { batch: 4, heads: 12, seq: 1024, headDim: 64 },
  long: { batch: 1, heads: 16, seq: 8192, headDim: 128 },
};

export interface Dimension {
  readonly value: number;
  /** The fact's source, or `default profile 'small'`. */
  readonly source: string;
}

export interface ResolvedShape {
  readonly batch: Dimension;
  readonly heads: Dimension;
  readonly kvHeads: Dimension;
  readonly seqQ: Dimension;
  readonly seqKv: Dimension;
  readonly headDim: Dimension;
}

export function resolveShape(shape: CallFacts['shape'], profileName: ShapeProfileName): ResolvedShape {
  const profile = SHAPE_PROFILES[profileName];
  const fallback = `default profile '${profileName}'`;
  const pick = (fact: Fact<number>, value: number): Dimension =>
    fact.known ? { value: fact.value, source: fact.source } : { value, source: fallback };
  const heads = pick(shape.heads, profile.heads);
  const seqQ = pick(shape.seqQ, profile.seq);
  return {
    batch: pick(shape.batch, profile.batch),
    heads,
    // Without evidence of grouped heads, k/v have as many heads as q and the same length.
    kvHeads: pick(shape.kvHeads, heads.value),
    seqQ,
    seqKv: pick(shape.seqKv, seqQ.value),
    headDim: pick(shape.headDim, profile.headDim),
  };
}

/** `B1 H8 L256 D64`, with `Lkv` and `Hkv` only where they differ. */
export function formatShape(s: ResolvedShape): string {
  const kvHeads = s.kvHeads.value === s.heads.value ? '' : `/${s.kvHeads.value}`;
  const seq = s.seqKv.value === s.seqQ.value ? `L${s.seqQ.value}` : `Lq${s.seqQ.value} Lkv${s.seqKv.value}`;
  return `B${s.batch.value} H${s.heads.value}${kvHeads} ${seq} D${s.headDim.value}`;
}
