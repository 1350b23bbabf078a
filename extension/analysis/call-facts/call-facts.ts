/**
 * Observations at one call site on one path kind (training or inference) → the `CallFacts` the
 * dispatch policy reads. Several observations (callers, split paths) are joined: a fact that
 * differs between them becomes unknown and says it depends on the path.
 */
import type { AttentionApi, CallFacts, Dtype, Fact, Layout, MaskFacts, MaskKind, Mode, TransformersLoad } from '../../../runtime/dispatch/facts';
import { API_LAYOUT, isFlashAttention } from '../values/attention-apis';
import { diffusersFacts, joinDiffusers } from './diffusers-facts';
import type { Observation } from '../values/state';
import { describe, formulaText, joinFact, joinSwitches, known, mayBeBoolMask, noneAtomId, unknown, type Dim, type Formula, type MaskTiedFlag, type Value } from '../values/values';

function dtypeOf(v: Value | undefined, role: string): Fact<Dtype> {
  if (!v) return unknown(`the ${role} argument`);
  if (v.t === 'tensor') return v.dtype;
  return unknown(v.t === 'unknown' ? v.why : `${role} (${describe(v)})`);
}

function maskOf(obs: Observation): MaskFacts {
  if (isFlashAttention(obs.api)) return { kind: known('none', 'flash-attn takes no mask') };
  // Its mask is a BlockMask (create_block_mask), sparsity the kernel skips, never a tensor it adds.
  if (obs.api === 'flex_attention') return obs.args.mask ? { kind: known('library', `block_mask ${describe(obs.args.mask.value)}`), className: 'BlockMask' } : { kind: known('none', 'no block_mask') };
  const arg = obs.args.mask ?? obs.args.keyPaddingMask;
  if (!arg) return { kind: known('none', obs.api === 'manual' ? 'no mask applied to the scores' : 'no mask argument') };
  const v = arg.value;
  switch (v.t) {
    case 'none': return { kind: known('none', v.source) };
    case 'libmask': return { kind: known('library', v.source), className: v.className };
    case 'tensor': {
      const shape = v.shape && v.shape.every((d) => d.value !== null) ? known(v.shape.map((d) => d.value), v.origin) : undefined;
      if (v.bool) return { kind: known('bool', v.origin), ...(shape ? { shape } : {}) };
      if (mayBeBoolMask(v)) return { kind: unknown(`whether ${v.origin} is a bool or a float mask`), dtype: v.dtype, ...(shape ? { shape } : {}) };
      return { kind: known('float', v.origin), dtype: v.dtype, ...(shape ? { shape } : {}) };
    }
    case 'unknown': return { kind: unknown(v.why) };
    default: return { kind: unknown(`the mask (${describe(v)})`) };
  }
}

function joinMask(a: MaskFacts, b: MaskFacts): MaskFacts {
  const kind = joinFact<MaskKind>(a.kind, b.kind);
  if (!kind.known) return { kind };
  const dtype = a.dtype && b.dtype ? joinFact(a.dtype, b.dtype) : a.dtype ?? b.dtype;
  return { ...a, kind, ...(dtype ? { dtype } : {}) };
}

function boolArg(v: Value | undefined, absent: string, byDefault = false): Fact<boolean> {
  if (!v) return known(byDefault, absent);
  if (v.t === 'bool') return known(v.value, v.why);
  if (v.t === 'unknown') return unknown(v.why);
  if (v.t === 'cond') return unknown(`whether ${formulaText(v.f)}`);
  return unknown(describe(v));
}

/**
 * The causal flag; where the code computes it from whether the call's mask is None (an optional
 * mask nobody passes), tied to that mask, so its cases settle it.
 */
function causalOf(o: Observation): Fact<boolean> {
  const flag = o.args.causal?.value;
  const mask = (o.args.mask ?? o.args.keyPaddingMask)?.value;
  if (flag?.t === 'cond' && mask?.t === 'unknown' && mask.orNone && mentions(flag.f, noneAtomId(mask))) {
    const tied: MaskTiedFlag = { ...unknown(`whether ${formulaText(flag.f)}`), maskTied: { formula: flag.f, noneAtom: noneAtomId(mask) } };
    return tied;
  }
  return boolArg(flag, 'no causal flag');
}

function mentions(f: Formula, atomId: string): boolean {
  return f.op === 'atom' ? f.id === atomId : f.op === 'not' ? mentions(f.a, atomId) : mentions(f.a, atomId) || mentions(f.b, atomId);
}

function numArg(v: Value | undefined, absent: string): Fact<number> {
  if (!v) return known(0, absent);
  if (v.t === 'num') return known(v.value, v.source);
  if (v.t === 'unknown') return unknown(v.why);
  return unknown(describe(v));
}

function dimFact(d: Dim | undefined, what: string): Fact<number> {
  if (!d) return unknown(what);
  return d.value !== null ? known(d.value, d.source) : unknown(d.source);
}

/** `(B, T, 8, 64)`: how the code built a tensor's dims, for messages. */
function dimsText(shape: readonly Dim[]): string {
  return `(${shape.map((d) => d.source.replace(/ = .*/, '').replace(/`/g, '')).join(', ')})`;
}

/** The layout a 4-D tensor's dims show, from the roles of the names that built it. */
function layoutOf(shape: readonly Dim[] | undefined): Fact<Layout> {
  if (!shape || shape.length !== 4) return unknown('the layout of q');
  const text = dimsText(shape);
  if (shape[1].role === 'H' || shape[2].role === 'L') return known('BHLD', `q's dims ${text}`);
  if (shape[2].role === 'H' || shape[1].role === 'L') return known('BLHD', `q's dims ${text}`);
  return unknown(`the layout of q ${text}`);
}

/** flash-attn's variable-length APIs: q, k, v are packed tokens, `(total, H, D)`. */
const VARLEN: ReadonlySet<AttentionApi> = new Set(['flash_attn_varlen_func', 'flash_attn_varlen_qkvpacked_func', 'flash_attn_varlen_kvpacked_func', 'flash_attn3_varlen_func', 'fa4_varlen_func']);

/** APIs whose q, k, v may be 3-D: SDPA (any batch dims; its fused kernels need 4-D), xformers (`[B, M, K]`: one head), FlexAttention (raises). */
const RANKED: ReadonlySet<AttentionApi> = new Set(['sdpa', 'memory_efficient_attention', 'flex_attention']);

interface ShapeFacts { readonly shape: CallFacts['shape']; readonly layout: Fact<Layout> }

function shapeFacts(obs: Observation): ShapeFacts {
  const shapeOf = (v: Value | undefined): readonly Dim[] | undefined => (v?.t === 'tensor' ? v.shape : undefined);
  if (obs.api === 'multihead_attention') {
    const mod = obs.module?.t === 'torchmod' ? obs.module.args : {};
    const e = mod.embed_dim; const h = mod.num_heads;
    const headDim = e?.t === 'num' && h?.t === 'num' && h.value > 0 ? known(e.value / h.value, `embed_dim ${e.value} / num_heads ${h.value} (${e.source})`) : unknown('embed_dim / num_heads');
    const heads = h?.t === 'num' ? known(h.value, h.source) : unknown('num_heads');
    const u = unknown('the input shape');
    return { shape: { batch: u, heads, kvHeads: heads, seqQ: u, seqKv: u, headDim, headDimV: headDim }, layout: unknown('nn.MultiheadAttention takes (L, B, E) or (B, L, E) inputs') };
  }
  const [qs, ks, vs] = [obs.args.q, obs.args.k, obs.args.v].map((a) => shapeOf(a?.value));
  // The head size is the last dim in every API, whatever the rank (a 5-D windowed q too), known even where the rank is not.
  const lastOf = (v: Value | undefined): Dim | undefined => (v?.t === 'tensor' ? (v.shape ? v.shape.at(-1) : v.lastDim) : undefined);
  const [qLast, vLast] = [lastOf(obs.args.q?.value), lastOf(obs.args.v?.value)];
  if (VARLEN.has(obs.api)) return { shape: { ...packedTokens(qs, ks, vs), ...headSizes(qLast, vLast) }, layout: unknown('varlen inputs are packed tokens (total, H, D)') };
  const ranks = RANKED.has(obs.api) && qs && ks && vs ? known({ q: qs.length, k: ks.length, v: vs.length }, ranksText(qs, ks, vs)) : undefined;
  if (ranks && qs!.length === 3) return { shape: { ...threeDims(obs.api, qs!, ks!, vs!), ranks }, layout: unknown('3-D inputs have no heads dim') };
  const [q, k, v] = [qs, ks, vs].map((s) => (s?.length === 4 ? s : undefined));
  const shown = layoutOf(q);
  const layout: Layout | null = shown.known ? shown.value : API_LAYOUT[obs.api];
  const h = layout === 'BHLD' ? 1 : 2; const l = layout === 'BHLD' ? 2 : 1;
  const pick = (s: readonly Dim[] | undefined, i: number, what: string): Fact<number> => (layout ? dimFact(s?.[i], what) : unknown(what));
  const seqQ = pick(q, l, 'the query length'); const seqKv = pick(k, l, 'the key length');
  const shared = layout && !(seqQ.known && seqKv.known) ? obs.sharedDims?.get(l) : undefined;
  const heads = pick(q, h, 'the number of heads'); const kvHeads = pick(k, h, 'the number of key/value heads');
  const headsFrom = layout && !(heads.known && kvHeads.known) ? obs.sharedDims?.get(h) ?? sameAttribute(q?.[h], k?.[h]) : undefined;
  return {
    shape: {
      batch: pick(q, 0, 'the batch size'), heads, kvHeads,
      seqQ, seqKv, headDim: dimFact(q?.[3], 'the head size of q'), headDimV: dimFact(v?.[3], 'the head size of v'), ...headSizes(qLast, vLast),
      ...(shared ? { sameLength: known(true, `q and k both take their length from ${shared}`) } : {}),
      ...(headsFrom ? { sameHeads: known(true, `q and k both take their heads from ${headsFrom}`) } : {}),
      ...(ranks ? { ranks } : {}),
    },
    layout: shown,
  };
}

/**
 * Two dims of unknown extent the code gives by one attribute of an object (`self.num_heads`,
 * `attn.heads`): one value within the call, which holds one module. A bare name may be a helper's
 * parameter that two calls bind to different values (`split(xq, n_heads)`, `split(xk, n_kv_heads)`),
 * so it proves nothing here.
 */
function sameAttribute(a: Dim | undefined, b: Dim | undefined): string | undefined {
  if (!a || !b || a.value !== null || b.value !== null || a.source !== b.source) return undefined;
  return /^`[A-Za-z_]\w*(\.[A-Za-z_]\w*)+`$/.test(a.source) ? a.source : undefined;
}

/**
 * flash_attn_varlen_func's `(total, H, D)` inputs: the sequences of the batch packed one after another,
 * their lengths in `cu_seqlens`, which the code computes at run time.
 */
function packedTokens(q: readonly Dim[] | undefined, k: readonly Dim[] | undefined, v: readonly Dim[] | undefined): CallFacts['shape'] {
  const [q3, k3, v3] = [q, k, v].map((s) => (s?.length === 3 ? s : undefined));
  const lengths = unknown('the sequence lengths (varlen: cu_seqlens)');
  return {
    batch: unknown('the batch size (varlen: cu_seqlens)'), heads: dimFact(q3?.[1], 'the number of heads'), kvHeads: dimFact(k3?.[1], 'the number of key/value heads'),
    seqQ: lengths, seqKv: lengths, headDim: dimFact(q3?.[2], 'the head size of q'), headDimV: dimFact(v3?.[2], 'the head size of v'),
  };
}

/** The head sizes of q and v of unknown rank, from their last dims where known (a fact only where one is). */
function headSizes(qLast: Dim | undefined, vLast: Dim | undefined): Partial<CallFacts['shape']> {
  return { ...(qLast ? { headDim: dimFact(qLast, 'the head size of q') } : {}), ...(vLast ? { headDimV: dimFact(vLast, 'the head size of v') } : {}) };
}

/** Where the ranks come from: `q, k and v have dims (B·H, L, D)`. */
function ranksText(q: readonly Dim[], k: readonly Dim[], v: readonly Dim[]): string {
  const [a, b, c] = [q, k, v].map(dimsText);
  return a === b && b === c ? `q, k and v have dims ${a}` : `q has dims ${a}, k ${b}, v ${c}`;
}

/**
 * `(N, L, D)` inputs: xformers reads them as `[B, M, K]` with one head; SDPA takes the last two dims
 * as length and head size (its batch dims, here one, hold the heads if any).
 */
function threeDims(api: AttentionApi, q: readonly Dim[], k: readonly Dim[], v: readonly Dim[]): Omit<CallFacts['shape'], 'ranks'> {
  const heads = api === 'memory_efficient_attention' ? known(1, 'xformers reads 3-D inputs [B, M, K] as one head') : unknown('the number of heads (3-D inputs)');
  return {
    batch: dimFact(q[0], 'the batch size'), heads, kvHeads: heads,
    seqQ: dimFact(q[1], 'the query length'), seqKv: dimFact(k[1], 'the key length'),
    headDim: dimFact(q[2], 'the head size of q'), headDimV: dimFact(v[2], 'the head size of v'),
  };
}

const NUMBERED: readonly Exclude<keyof CallFacts['shape'], 'sameLength' | 'sameHeads' | 'ranks'>[] = ['batch', 'heads', 'kvHeads', 'seqQ', 'seqKv', 'headDim', 'headDimV'];

/** Shapes from two paths: each number joins; equal lengths hold only where both paths show them. */
function joinShape(a: ShapeFacts, b: ShapeFacts): ShapeFacts {
  const s = {} as Record<(typeof NUMBERED)[number], Fact<number>>;
  for (const key of NUMBERED) s[key] = joinFact(a.shape[key], b.shape[key]);
  const same = a.shape.sameLength && b.shape.sameLength ? joinFact(a.shape.sameLength, b.shape.sameLength) : undefined;
  // Heads both known and equal on a path are equal there too.
  const equalHeads = (x: ShapeFacts): Fact<boolean> | undefined => x.shape.sameHeads
    ?? (x.shape.heads.known && x.shape.kvHeads.known && x.shape.heads.value === x.shape.kvHeads.value ? known(true, `q and k have ${x.shape.heads.value} heads`) : undefined);
  const [headsA, headsB] = [equalHeads(a), equalHeads(b)];
  // Said only where the numbers do not say it (as one path's facts would not).
  const sameHeads = headsA && headsB && !(s.heads.known && s.kvHeads.known) ? joinFact(headsA, headsB) : undefined;
  // Ranks hold where every path shows them, and the same.
  const [ra, rb] = [a.shape.ranks, b.shape.ranks];
  const ranks = ra?.known && rb?.known && ra.value.q === rb.value.q && ra.value.k === rb.value.k && ra.value.v === rb.value.v ? ra : undefined;
  return { shape: { ...s, ...(same ? { sameLength: same } : {}), ...(sameHeads ? { sameHeads } : {}), ...(ranks ? { ranks } : {}) }, layout: joinFact(a.layout, b.layout) };
}

/** enable_gqa over two paths: not passed on one of them is False there. */
function joinedGqa(a: Fact<boolean> | undefined, b: Fact<boolean> | undefined): { enableGqa?: Fact<boolean> } {
  if (!a && !b) return {};
  const absent = known(false, 'enable_gqa is not passed');
  return { enableGqa: joinFact(a ?? absent, b ?? absent) };
}

/**
 * Whether the call runs under `torch.compile`: where no caller the files show compiles it, it runs
 * eagerly on the paths they establish; a function nobody calls may have a compiled caller elsewhere.
 */
function compiledFact(o: Observation): Fact<boolean> {
  if (o.ctx.compiled) return known(true, o.ctx.compiled);
  return o.ctx.modeAssumed ? unknown('whether its caller is compiled (`torch.compile`)') : known(false, `no \`torch.compile\` around it (${o.ctx.mode.source})`);
}

/**
 * `torch_dtype=`: the dtype the weights load in; not passed, torch's default dtype (transformers 4.48), or
 * for `from_config` the config's own `torch_dtype` (`_from_config`: `kwargs.pop("torch_dtype", config.torch_dtype)`).
 */
function modelDtype(v: Value | undefined, fromConfig: boolean): Fact<Dtype> {
  if (!v && fromConfig) return unknown('the config\'s torch_dtype (from_config without torch_dtype takes the config\'s)');
  if (!v) return known('float32', 'from_pretrained without torch_dtype loads float32 weights (torch\'s default dtype)');
  if (v.t === 'dtype') return known(v.value, v.source);
  if (v.t === 'str' && v.value === 'auto') return unknown('the checkpoint\'s dtype (torch_dtype="auto")');
  return unknown(v.t === 'unknown' ? v.why : `torch_dtype (${describe(v)})`);
}

function implementationOf(v: Value | undefined): Fact<string | null> {
  if (!v || v.t === 'none') return known(null, 'attn_implementation is not passed');
  if (v.t === 'str') return known(v.value, `attn_implementation="${v.value}"`);
  return unknown(v.t === 'unknown' ? v.why : `attn_implementation (${describe(v)})`);
}

function joinedLoad(a: TransformersLoad, b: TransformersLoad): TransformersLoad {
  return { ...a, implementation: joinFact(a.implementation, b.implementation), outputAttentions: joinFact(a.outputAttentions, b.outputAttentions), dtypeGiven: a.dtypeGiven && b.dtypeGiven };
}

/** What `from_pretrained` configures: the model's dtype stands for q, k and v. */
function loadFacts(o: Observation): Pick<CallFacts, 'dtypes' | 'transformers'> {
  const d = modelDtype(o.args.modelDtype?.value, /\bfrom_config\b/.test(o.apiText));
  // Named as written: `AutoModelForCausalLM.from_pretrained` → `AutoModelForCausalLM`.
  const modelClass = o.apiText.split(' ')[0]!.split('.').slice(-2)[0]!;
  return {
    dtypes: { q: d, k: d, v: d },
    transformers: {
      implementation: implementationOf(o.args.attnImplementation?.value),
      outputAttentions: boolArg(o.args.outputAttentions?.value, 'output_attentions is not passed'),
      dtypeGiven: o.args.modelDtype !== undefined,
      modelClass: modelClass.startsWith('Auto') ? null : modelClass,
    },
  };
}

/** The facts at a call on one path kind, joined over the observations given (all of that mode). */
export function callFacts(api: AttentionApi, mode: Mode, observations: readonly Observation[]): CallFacts {
  const [first, ...rest] = observations;
  const one = (o: Observation): CallFacts => {
    const { shape, layout } = shapeFacts(o);
    const dropoutValue = o.api === 'multihead_attention'
      ? (mode === 'train' ? numArg(o.module?.t === 'torchmod' ? o.module.args.dropout : undefined, 'nn.MultiheadAttention default dropout 0') : known(0, 'nn.MultiheadAttention applies dropout only in training'))
      : numArg(o.args.dropout?.value, 'no dropout argument');
    return {
      api, mode: known(mode, o.ctx.mode.source),
      dtypes: { q: dtypeOf(o.args.q?.value, 'q'), k: dtypeOf(o.args.k?.value, 'k'), v: dtypeOf(o.args.v?.value, 'v') },
      autocast: o.ctx.autocast, mask: maskOf(o),
      causal: o.api === 'manual' ? known(false, 'hand-written attention') : causalOf(o),
      dropout: dropoutValue, shape, layout, ...(o.ctx.sdpa ? { sdpaBackends: o.ctx.sdpa } : {}),
      ...(o.api === 'multihead_attention' ? { needWeights: boolArg(o.args.needWeights?.value, 'need_weights defaults to True', true) } : {}),
      // Only where passed: before torch 2.5 passing it at all raises.
      ...(o.args.gqa ? { enableGqa: boolArg(o.args.gqa.value, 'enable_gqa') } : {}),
      ...(o.api === 'from_pretrained' ? loadFacts(o) : {}),
      ...(o.api === 'flex_attention' ? { compiled: compiledFact(o) } : {}),
      ...(o.api === 'dispatch_attention_fn' ? { diffusers: diffusersFacts(o) } : {}),
    };
  };
  if (!first) throw new Error('callFacts needs at least one observation');
  return rest.reduce<CallFacts>((acc, o) => {
    const b = one(o);
    const s = joinShape({ shape: acc.shape, layout: acc.layout }, { shape: b.shape, layout: b.layout });
    const sdpaBackends = joinSwitches(acc.sdpaBackends, b.sdpaBackends);
    return {
      ...acc,
      dtypes: { q: joinFact(acc.dtypes.q, b.dtypes.q), k: joinFact(acc.dtypes.k, b.dtypes.k), v: joinFact(acc.dtypes.v, b.dtypes.v) },
      autocast: joinFact(acc.autocast, b.autocast), mask: joinMask(acc.mask, b.mask), causal: joinFact(acc.causal, b.causal),
      dropout: joinFact(acc.dropout, b.dropout), shape: s.shape, layout: s.layout, ...(sdpaBackends ? { sdpaBackends } : {}),
      ...(acc.needWeights && b.needWeights ? { needWeights: joinFact(acc.needWeights, b.needWeights) } : {}),
      ...joinedGqa(acc.enableGqa, b.enableGqa),
      ...(acc.compiled && b.compiled ? { compiled: joinFact(acc.compiled, b.compiled) } : {}),
      ...(acc.transformers && b.transformers ? { transformers: joinedLoad(acc.transformers, b.transformers) } : {}),
      ...(acc.diffusers && b.diffusers ? { diffusers: joinDiffusers(acc.diffusers, b.diffusers) } : {}),
    };
  }, one(first));
}
