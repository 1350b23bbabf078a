/**
 * torch.nn modules: what their constructors build (`nn.Linear`, `nn.Sequential`, `nn.ModuleList`,
 * `nn.MultiheadAttention`, encoder and decoder layers, `nn.Parameter`), casts of a module's parameters
 * (`model.half()`), and what calling one gives (an attention call for the attention modules, each
 * module in order for a Sequential, dropout on hand-written attention for `nn.Dropout`).
 */
import { type ApiSpec, DECODER_CROSS_CALL, DECODER_SELF_CALL, ENCODER_CALL, ENCODER_LAYER_CALL, MULTIHEAD_CALL } from '../values/attention-apis';
import { arg, fileLine, inputUsed, type CallArgs, type Engine } from '../values/engine';
import { softmax, withDropout } from './manual-attention';
import { argRoles, observeApi, type Roles } from './observe-api';
import { opDtype } from './op-dtypes';
import { OPEN_LAYER, OPEN_POOL, openLayerOutput } from './open-layers';
import { autocastCastable, type Dtype, type Fact } from '../../../runtime/dispatch/facts';
import type { Frame, PathState } from '../values/state';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import { CASTS, MODULE_OP, SAME_DTYPE, SAME_SHAPE } from './torch-ops';
import { describe, isTensor, known, modeName, tensor, unknown, UNKNOWN, valueKey, type Dim, type TensorValue, type Value } from '../values/values';

/** Methods of modules that return the module (cast or switched); see moduleCast. */
export const MODULE_METHODS = new Set([...Object.keys(CASTS), 'to', 'eval', 'train', 'requires_grad_', 'cuda']);

/** `model.half()`, `model.to(torch.bfloat16)`: a module whose parameters are cast. */
export function moduleCast(obj: Value & { t: 'instance' | 'torchmod' }, method: string, args: CallArgs): Value | undefined {
  if (Object.hasOwn(CASTS, method)) return { ...obj, cast: CASTS[method] };
  const to = method === 'to' ? [...args.positional.map((a) => a.value), args.keywords.get('dtype')?.value].find((v) => v?.t === 'dtype') : undefined;
  if (to?.t === 'dtype') return { ...obj, cast: to.value };
  if (method === 'eval' || method === 'train' || method === 'requires_grad_' || (method === 'to' && args.positional.length > 0) || method === 'cuda') return obj;
  return undefined;
}

/**
 * What a module cast (`model.half()`, `model.to(torch.bfloat16)`) does to one of the module's
 * attributes: PyTorch's `Module._apply` casts every floating-point parameter and buffer of the module
 * and of all its submodules, so a submodule (a workspace instance, a torch.nn module, a module list
 * or dict of them) is cast too, and a parameter or buffer takes the dtype. A bool tensor is not
 * floating-point and stays; any other attribute (a plain tensor attribute, a number) is not the
 * module's state and stays too.
 */
export function castAttribute(v: Value, to: Dtype): Value {
  switch (v.t) {
    case 'tensor': return v.param && !v.bool ? { ...v, dtype: known(to, `module cast to ${to}`) } : v;
    case 'instance': case 'torchmod': return { ...v, cast: to };
    case 'many': return { t: 'many', item: castAttribute(v.item, to) };
    case 'tuple': return { t: 'tuple', items: v.items.map((i) => castAttribute(i, to)) };
    case 'dict': return { t: 'dict', entries: v.entries.map(([k, i]) => [k, castAttribute(i, to)] as const) };
    case 'choice': return { ...v, options: v.options.map((o) => castAttribute(o, to)) };
    default: return v;
  }
}

export function nnConstructor(kind: string, args: CallArgs, fr: Frame, node: SyntaxNode): Value {
  const where = `\`nn.${kind}\` at ${fileLine(fr, node)}`;
  if (kind === 'Parameter') {
    const t = args.positional[0]?.value;
    return tensor(t && isTensor(t) && t.dtype.known ? t.dtype : known('float32', `parameter at ${fileLine(fr, node)}`), `parameter at ${fileLine(fr, node)}`, { param: true, shape: t && isTensor(t) ? t.shape : undefined });
  }
  if (kind === 'Sequential') return { t: 'torchmod', kind, args: { modules: sequentialModules(args) }, origin: where };
  if (kind === 'ModuleList' || kind === 'ModuleDict') {
    // Modules all alike are `many` (any index is one of them); different ones keep their order.
    const items = args.positional[0]?.value ?? (args.morePositional || args.moreKeywords ? undefined : kind === 'ModuleList' ? { t: 'tuple', items: [] } : { t: 'dict', entries: [] });
    const alike = items?.t === 'tuple' && items.items.length > 0 && items.items.every((m) => valueKey(m) === valueKey(items.items[0]));
    return alike ? { t: 'many', item: items.items[0] } : items ?? UNKNOWN(where);
  }
  const names = CONSTRUCTOR_PARAMS[kind] ?? [];
  const record: Record<string, Value> = {};
  names.forEach((n, i) => { const a = arg(args, i, n); if (a) record[n] = a.value; });
  for (const [k, v] of args.keywords) record[k] ??= v.value;
  return { t: 'torchmod', kind, args: record, origin: where };
}

/** The modules of `nn.Sequential(…)` in order: a tuple, `many` for `*[Block() for …]`, an `OrderedDict`'s values; else unknown. */
function sequentialModules(args: CallArgs): Value {
  const only = args.positional.length === 1 && !args.morePositional ? args.positional[0].value : undefined;
  if (only?.t === 'dict') return { t: 'tuple', items: only.entries.map(([, m]) => m) };
  if (args.morePositional) return args.positional.length === 0 ? args.morePositional : UNKNOWN('the modules of nn.Sequential');
  return { t: 'tuple', items: args.positional.map((a) => a.value) };
}

/** `seq[i]`: the module at that index (any index of `*[Block() for …]` is such a block); a slice or unknown index is unknown. */
export function sequentialItem(seq: Value & { t: 'torchmod' }, index: Value, text: string): Value {
  const modules = seq.args.modules;
  if (index.t !== 'num' || !Number.isInteger(index.value)) return UNKNOWN(`\`${text}\``);
  if (modules?.t === 'many') return modules.item;
  return (modules?.t === 'tuple' ? modules.items.at(index.value) : undefined) ?? UNKNOWN(`\`${text}\``);
}

/** Call a module value: an nn module, a workspace instance's forward, or unknown. */
function callModule(m: Value, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  if (m.t === 'torchmod') return moduleCall(m, args, st, fr, node, e);
  return e.callWorkspace(m, args, st, fr, node) ?? UNKNOWN(`the result of ${describe(m)} at ${fileLine(fr, node)}`);
}

/**
 * `nn.Sequential` forward: each module in order on the previous one's output (a cast of the
 * Sequential casts them all); `*[Block() for …]` of unknown length runs its block once, as loops do.
 */
function sequentialCall(seq: Value & { t: 'torchmod' }, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const modules = seq.args.modules;
  const stages = modules?.t === 'tuple' ? modules.items : modules?.t === 'many' ? [modules.item] : undefined;
  if (!stages) return UNKNOWN(`the result of ${seq.origin}`);
  let input = args;
  let out = args.positional[0]?.value ?? UNKNOWN(`the input of ${seq.origin}`);
  for (const m of stages) {
    out = callModule(seq.cast && (m.t === 'torchmod' || m.t === 'instance') ? { ...m, cast: seq.cast } : m, input, st, fr, node, e);
    input = { positional: [{ value: out, node }], keywords: new Map() };
  }
  return out;
}

/** Positional parameters of the torch.nn constructors whose arguments the analysis reads. */
const CONSTRUCTOR_PARAMS: Readonly<Record<string, readonly string[]>> = {
  MultiheadAttention: ['embed_dim', 'num_heads', 'dropout', 'bias', 'add_bias_kv', 'add_zero_attn', 'kdim', 'vdim', 'batch_first'],
  TransformerEncoderLayer: ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'],
  TransformerEncoder: ['encoder_layer', 'num_layers'],
  TransformerDecoderLayer: ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'],
  TransformerDecoder: ['decoder_layer', 'num_layers'],
  Dropout: ['p'],
  Softmax: ['dim'],
  Linear: ['in_features', 'out_features', 'bias'],
  Conv1d: ['in_channels', 'out_channels'],
  Conv2d: ['in_channels', 'out_channels'],
  Conv3d: ['in_channels', 'out_channels'],
};

/** An `nn.MultiheadAttention` inside an encoder or decoder layer, as the layer's constructor arguments make it. */
function layerAttention(layer: Value & { t: 'torchmod' }): Value {
  const a = layer.args;
  const dropout = a.dropout ?? { t: 'num', value: 0.1, source: `${layer.origin} (default dropout 0.1)` } as Value;
  const record: Record<string, Value> = { dropout };
  if (a.d_model) record.embed_dim = a.d_model;
  if (a.nhead) record.num_heads = a.nhead;
  if (a.batch_first) record.batch_first = a.batch_first;
  return { t: 'torchmod', kind: 'MultiheadAttention', args: record, origin: layer.origin };
}

type TorchModule = Value & { t: 'torchmod' };

/** The layer a Transformer encoder or decoder runs: the module itself for a layer, the layer it was built on for a stack. */
function transformerLayer(mod: TorchModule, part: 'Encoder' | 'Decoder'): TorchModule | undefined {
  const layer = mod.kind === `Transformer${part}` ? mod.args[part === 'Encoder' ? 'encoder_layer' : 'decoder_layer'] : mod.kind === `Transformer${part}Layer` ? mod : undefined;
  return layer?.t === 'torchmod' && layer.kind === `Transformer${part}Layer` ? layer : undefined;
}

/**
 * An attention of a Transformer layer. The layer asks for no weights (`need_weights=False`), so a
 * causal flag that is True with no key padding mask makes nn.MultiheadAttention drop the mask and
 * pass SDPA `is_causal` instead (PyTorch's "is_causal hint").
 */
function layerCall(spec: ApiSpec, apiText: string, args: CallArgs, layer: TorchModule, st: PathState, fr: Frame, node: SyntaxNode, e: Engine, inner: Roles = {}): Value {
  const written = argRoles(spec, args);
  const causal = written.causal?.value;
  const padding = written.keyPaddingMask?.value;
  const hint: Roles = causal?.t === 'bool' && causal.value && written.mask && (!padding || padding.t === 'none')
    ? { mask: { value: { t: 'none', source: `the causal flag (${causal.why}) with no key padding mask: the layer's attention passes SDPA is_causal, not the mask` }, node: null } }
    : {};
  const noWeights: Roles = { needWeights: { value: { t: 'bool', value: false, why: `${layer.origin} calls its attention with need_weights=False` }, node: null } };
  return observeApi(spec, apiText, args, layerAttention(layer), st, fr, node, e, { ...hint, ...noWeights, ...inner });
}

/**
 * A decoder layer, or each layer of a decoder: self-attention on `tgt`, observed at the call, then
 * cross-attention onto `memory`, observed at the call's argument list. The cross-attention's query
 * is the layer's LayerNorm of `tgt` plus the self-attention output (with either `norm_first`).
 */
function decoderCall(mod: TorchModule, layer: TorchModule, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const called = textOf(field(node, 'function')!);
  const prefix = mod.kind === 'TransformerDecoder' ? `${called}.layers[i]` : called;
  const selfOut = layerCall(DECODER_SELF_CALL, `${prefix}.self_attn`, args, layer, st, fr, node, e);
  const tgt = arg(args, 0, 'tgt')?.value;
  const residual = tgt && isTensor(tgt) && isTensor(selfOut) ? tensor(opDtype('add', [tgt, selfOut], st, fr, node), selfOut.origin) : selfOut;
  const cast = mod.cast ?? layer.cast;
  const norm: TorchModule = { t: 'torchmod', kind: 'LayerNorm', args: {}, origin: layer.origin, ...(cast ? { cast } : {}) };
  const query = moduleCall(norm, { positional: [{ value: residual, node }], keywords: new Map() }, st, fr, node, e);
  return layerCall(DECODER_CROSS_CALL, `${prefix}.multihead_attn`, args, layer, st, fr, field(node, 'arguments') ?? node, e, { q: { value: query, node: null } });
}

export function moduleCall(mod: Value & { t: 'torchmod' }, written: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const args = inputUsed(written);
  if (mod.kind === 'Sequential') return sequentialCall(mod, args, st, fr, node, e);
  if (mod.kind === 'Module') {
    e.unresolvedModuleCall(st, fr, `\`${textOf(field(node, 'function') ?? node)}(…)\` at ${fileLine(fr, node)} runs it (${mod.origin})`);
    return UNKNOWN(`the result of \`${textOf(node)}\``);
  }
  if (mod.kind === OPEN_LAYER || mod.kind === OPEN_POOL || mod.kind === 'RMSNorm') {
    const input = args.positional[0]?.value ?? UNKNOWN(`the input of ${mod.origin}`);
    return mod.kind === 'RMSNorm' ? rmsNormOutput(mod, input, st, fr, node, e) : openLayerOutput(input, mod.origin, st, mod.kind);
  }
  const encoderLayer = transformerLayer(mod, 'Encoder');
  if (encoderLayer) {
    const spec = mod.kind === 'TransformerEncoder' ? ENCODER_CALL : ENCODER_LAYER_CALL;
    return layerCall(spec, textOf(field(node, 'function')!), args, encoderLayer, st, fr, node, e);
  }
  const decoderLayer = transformerLayer(mod, 'Decoder');
  if (decoderLayer) return decoderCall(mod, decoderLayer, args, st, fr, node, e);
  if (mod.kind === 'MultiheadAttention') {
    const out = observeApi(MULTIHEAD_CALL, textOf(field(node, 'function')!), args, mod, st, fr, node, e);
    return { t: 'tuple', items: [out, UNKNOWN('attention weights')] };
  }
  const given0 = args.positional[0]?.value;
  // `self.drop(probs)`: nn.Dropout on hand-written attention probabilities (its `p` while the module trains).
  if (mod.kind === 'Dropout' && given0 && isTensor(given0) && given0.manual) {
    const p = st.ctx.mode.value === 'train' ? mod.args.p ?? { t: 'num', value: 0.5, source: `${mod.origin} (default p)` } as Value
      : { t: 'num', value: 0, source: `nn.Dropout is off in ${modeName(st.ctx.mode.value)}` } as Value;
    return withDropout(given0, field(node, 'function') && args.positional.length === 1 ? { node: field(node, 'function')!, module: true } : undefined, p);
  }
  // `self.softmax(scores)`: nn.Softmax on hand-written attention scores gives the probabilities.
  if (mod.kind === 'Softmax' && given0 && isTensor(given0) && given0.manual) return softmax('softmax', given0, [given0], st, fr, node, undefined, mod.args.dim);
  const weight = moduleWeight(mod);
  // An embedding looks its output up in its weight; autocast leaves it alone.
  if (mod.kind === 'Embedding') return tensor(weight.dtype, `${mod.origin.replace(/ at .*/, '')} call at ${fileLine(fr, node)}`);
  const op = MODULE_OP[mod.kind];
  const given = args.positional[0]?.value;
  if (!op || !given) return UNKNOWN(`the result of ${mod.origin}`);
  const input = isTensor(given) ? given : tensor(unknown(given.t === 'unknown' ? given.why : 'the module input'), 'input');
  const dtype = SAME_DTYPE.has(op) ? input.dtype : opDtype(op, op === 'softmax' ? [input] : [input, weight], st, fr, node);
  return tensor(dtype, `${mod.origin.replace(/ at .*/, '')} call at ${fileLine(fr, node)}`, moduleOutputShape(op, input, mod));
}

/** A module's weight: float32 unless the module was cast. */
function moduleWeight(mod: TorchModule): TensorValue {
  return tensor(parameterDtype(mod.origin, mod.cast), mod.origin);
}

/** The dtype of the parameters of a torch.nn module (`origin`): float32, or the dtype it was cast to. */
export function parameterDtype(origin: string, cast: Dtype | undefined): Fact<Dtype> {
  return known(cast ?? 'float32', cast ? `module cast to ${cast}` : `parameters of ${origin} (float32)`);
}

/**
 * nn.RMSNorm's output, by release (torch's `rms_norm` in aten/src/ATen/native/layer_norm.cpp; autocast
 * lists no rms_norm in v2.6.0 nor v2.9.1, so it runs in the input's dtype): up to 2.6 the normalised
 * input comes back in its dtype and is then multiplied by the weight, so type promotion gives float32
 * from a float16 activation and float32 weights; 2.9 casts the product back to the input's dtype (a
 * weight of another dtype takes the composite path that does). Other releases take the nearest read
 * one's rule, saying so where the two rules disagree; between them (2.7–2.8) the dtype is open there.
 */
function rmsNormOutput(mod: TorchModule, input: Value, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  if (!isTensor(input)) return openLayerOutput(input, mod.origin, st);
  const affine = mod.args.elementwise_affine;
  return rmsNormResult(input, affine?.t === 'bool' && !affine.value ? undefined : moduleWeight(mod), mod.origin, st, fr, node, e);
}

/** `F.rms_norm(x, shape, weight, eps)`: as nn.RMSNorm, with the weight it is given (none: the input's dtype). */
export function functionalRmsNorm(args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value | undefined {
  const input = args.positional[0]?.value;
  const weight = (args.positional[2] ?? args.keywords.get('weight'))?.value;
  if (!input || !isTensor(input)) return undefined;
  return rmsNormResult(input, weight && isTensor(weight) ? weight : undefined, `\`rms_norm\` at ${fileLine(fr, node)}`, st, fr, node, e);
}

function rmsNormResult(input: TensorValue, weight: TensorValue | undefined, origin: string, st: PathState, fr: Frame, node: SyntaxNode, e: Engine): Value {
  const [major, minor] = e.settings.torch;
  const release = major * 100 + minor;
  const promoted = weight ? opDtype('mul', [input, weight], st, fr, node) : input.dtype;
  const agree = sameFact(promoted, input.dtype);
  const nearest = release <= 206 ? { rule: promoted, read: '2.6.0' } : release >= 209 ? { rule: input.dtype, read: '2.9.1' } : undefined;
  const read = nearest && !agree && nearest.rule.known && release !== 206 && release !== 209
    ? known(nearest.rule.value, `${nearest.rule.source}, as torch ${nearest.read}'s rms_norm gives it (${major}.${minor}'s not read)`)
    : nearest?.rule ?? (agree ? input.dtype : undefined);
  const words = (d: Fact<Dtype>): string => (d.known ? d.value : 'open');
  const open = `the dtype ${origin} gives with torch ${major}.${minor} (${words(promoted)} by 2.6's rms_norm, ${words(input.dtype)} by 2.9's; ${major}.${minor}'s not read)`;
  // Under autocast either is a float dtype autocast's listed ops cast.
  const autocast = st.ctx.autocast;
  const dtype = read ?? (autocast.known && autocast.value !== null ? autocastCastable(open) : unknown(open));
  return tensor(dtype, `${origin.replace(/ at .*/, '')} call at ${fileLine(fr, node)}`, { shape: input.shape, lastDim: input.lastDim });
}

function sameFact(a: Fact<Dtype>, b: Fact<Dtype>): boolean {
  return a.known && b.known && a.value === b.value;
}

/**
 * Norms, activations, dropout and `nn.Identity` keep their input's shape; `nn.Linear` all but the last
 * dim, its output features, which are known even where the input's shape is not.
 */
function moduleOutputShape(op: string, input: TensorValue, mod: TorchModule): { shape?: readonly Dim[]; lastDim?: Dim } {
  if (SAME_SHAPE.has(op)) return { shape: input.shape, lastDim: input.lastDim };
  const spatial = CONV_DIMS[op];
  if (spatial !== undefined) return { shape: convOutputShape(spatial, input, featureDim(mod.args.out_channels, 'output channels', mod)) };
  const pooled = POOL_DIMS[op];
  if (pooled !== undefined) return input.shape && input.shape.length > pooled ? { shape: pooledShape(pooled, input.shape, mod) } : {};
  if (op !== 'linear') return {};
  const last = featureDim(mod.args.out_features, 'output features', mod);
  if (!input.shape) return last.value === null ? {} : { lastDim: last };
  return input.shape.length === 0 ? {} : { shape: [...input.shape.slice(0, -1), last] };
}

/** A constructor's feature count (`out_features`, `out_channels`) as the dim it gives the output. */
function featureDim(n: Value | undefined, what: string, mod: TorchModule): Dim {
  return n?.t === 'num' && Number.isInteger(n.value) && n.value > 0
    ? { value: n.value, role: null, source: `the ${what} of ${mod.origin} = ${n.value}` }
    : { value: null, role: null, source: `the ${what} of ${mod.origin}` };
}

/** Spatial dims of each convolution. */
const CONV_DIMS: Readonly<Record<string, number>> = { conv1d: 1, conv2d: 2, conv3d: 3 };

/** Spatial dims of each pooling. */
const POOL_DIMS: Readonly<Record<string, number>> = Object.fromEntries(['avg', 'max', 'adaptive_avg'].flatMap((kind) => [1, 2, 3].map((n) => [`${kind}_pool${n}d`, n])));

/** A pooling's output: the input's leading dims (batch, channels), its spatial extents open (kernel and stride set them). */
function pooledShape(spatial: number, shape: readonly Dim[], mod: TorchModule): Dim[] {
  const extents = Array.from({ length: spatial }, (_, i): Dim => ({ value: null, role: null, source: `spatial dim ${i} of the output of ${mod.origin}` }));
  return [...shape.slice(0, shape.length - spatial), ...extents];
}

/**
 * A convolution's output: (batch, out_channels, spatial…), the batch taken as present unless the
 * input's rank shows it absent; its spatial extents depend on padding and stride, so stay unknown.
 * A VAE's attention reads its head size from these channels (`b, c, h, w = q.shape`).
 */
function convOutputShape(spatial: number, input: TensorValue, channels: Dim): Dim[] {
  const batched = input.shape?.length !== spatial + 1;
  const batch: Dim[] = batched ? [input.shape?.[0] ?? { value: null, role: 'B', source: 'the batch of the convolution input' }] : [];
  const extents = Array.from({ length: spatial }, (_, i): Dim => ({ value: null, role: null, source: `spatial dim ${i} of the convolution output` }));
  return [...batch, channels, ...extents];
}
