/**
 * Context managers as values: autocast regions (`torch.autocast`, `torch.amp.autocast`,
 * `torch.cuda.amp.autocast`, `torch.cpu.amp.autocast`; dtype, device default, `enabled=`),
 * `torch.no_grad()` / `torch.inference_mode()` (the inference path), SDPA's backend switches and
 * `contextlib.nullcontext()` (no change). A call makes one; a `with` or a decorator enters it, where
 * it is written or later through a name it was stored in.
 */
import { parseDtype } from '../../runtime/dispatch/dtype';
import { known, unknown, type Dtype, type Fact } from '../../runtime/dispatch/facts';
import { decide, truthOfValue } from './conditions';
import { arg, fileLine, type CallArgs, type Engine } from './engine';
import { evaluate, evaluateArgs } from './evaluate';
import { regionSwitches } from './sdpa-switches';
import type { Ctx, Frame, PathState } from './state';
import { field, namedChildren, textOf, type SyntaxNode } from './syntax';
import type { ContextValue } from './values';

const AUTOCAST = /^torch\.(autocast|amp\.autocast|cuda\.amp\.autocast|cpu\.amp\.autocast)$/;
const CONTEXT_MANAGER = /^(torch\.(autocast|amp\.autocast|cuda\.amp\.autocast|cpu\.amp\.autocast|no_grad|inference_mode|nn\.attention\.sdpa_kernel|backends\.cuda\.sdp_kernel)|contextlib\.nullcontext)$/;

/** The context manager a call of `name` makes; undefined when it is none of these. */
export function contextValue(name: string, args: CallArgs, callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  if (!CONTEXT_MANAGER.test(name)) return undefined;
  if (name === 'contextlib.nullcontext') return { t: 'context' };
  const where = fileLine(fr, callNode);
  if (/(no_grad|inference_mode)$/.test(name)) return { t: 'context', mode: known('infer', `\`${name}()\` at ${where}`) };
  const sdpa = regionSwitches(name, args, callNode, fr);
  if (sdpa) return { t: 'context', sdpa };
  return AUTOCAST.test(name) ? { t: 'context', autocast: autocastOf(name, args, where, st, e) } : undefined;
}

/** The context manager a `with` item or decorator call makes; only library callees are looked at (nothing else is run). */
export function contextOfCall(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  const callee = evaluate(field(callNode, 'function')!, st, fr, e);
  if (callee.t !== 'ref' || !CONTEXT_MANAGER.test(callee.name)) return undefined;
  const list = field(callNode, 'arguments');
  return contextValue(callee.name, evaluateArgs(list ? namedChildren(list) : [], st, fr, e), callNode, st, fr, e);
}

/** The context inside a region: what the context manager sets replaces what was in force. */
export function enterContext(ctx: Ctx, v: ContextValue): Ctx {
  const priority = v.sdpa ? v.sdpa.priority ?? ctx.sdpa?.priority : undefined;
  return {
    ...ctx,
    ...(v.autocast ? { autocast: v.autocast } : {}),
    ...(v.sdpa ? { sdpa: { enabled: v.sdpa.enabled, ...(priority ? { priority } : {}) } } : {}),
    ...(v.mode ? { mode: v.mode, modeAssumed: false } : {}),
  };
}

/** A context manager entered through a name (`with ctx:` at train.py:40): its autocast fact says where. */
export function enteredThrough(v: ContextValue, itemNode: SyntaxNode, fr: Frame): ContextValue {
  if (!v.autocast?.known) return v;
  return { ...v, autocast: known(v.autocast.value, `${v.autocast.source}, entered by \`with ${textOf(itemNode)}\` at ${fileLine(fr, itemNode)}`) };
}

/** `torch.autocast(device_type, dtype=None, enabled=True)` and `torch.cuda.amp.autocast(enabled=True, dtype=float16)`. */
function autocastOf(name: string, args: CallArgs, where: string, st: PathState, e: Engine): Fact<Dtype | null> {
  const isTorchAutocast = name === 'torch.autocast' || name === 'torch.amp.autocast';
  const device = isTorchAutocast ? arg(args, 0, 'device_type') : undefined;
  const onCpu = name.includes('cpu') || (device !== undefined && (device.value.t === 'str' ? device.value.value === 'cpu' : /cpu/.test(textOf(device.node))));
  const enabled = arg(args, isTorchAutocast ? 2 : 0, 'enabled');
  if (enabled) {
    const en = decide(truthOfValue(enabled.value, textOf(enabled.node), e), st);
    if (en === false) return known(null, `autocast disabled at ${where}`);
    if (en === undefined) return unknown(`\`enabled=${textOf(enabled.node)}\` at ${where}`);
  }
  const dtype = arg(args, 1, 'dtype');
  const region = `autocast region at ${where}`;
  if (!dtype) return known(onCpu ? 'bfloat16' : 'float16', region);
  if (dtype.value.t === 'dtype') return known(dtype.value.value, region);
  const literal = parseDtype(textOf(dtype.node));
  if (literal) return known(literal, region);
  const why = dtype.value.t === 'unknown' ? `, which depends on ${dtype.value.why}` : '';
  return unknown(`the autocast dtype \`${textOf(dtype.node)}\` at ${where}${why}`);
}
