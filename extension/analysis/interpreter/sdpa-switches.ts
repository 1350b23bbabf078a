/**
 * PyTorch's SDPA backend switches as the code sets them: `with sdpa_kernel(…)` and the deprecated
 * `with torch.backends.cuda.sdp_kernel(…)` regions, and `torch.backends.cuda.enable_*_sdp(flag)`
 * statements. Each fact names the switch and where it is; a value the code does not establish is unknown.
 */
import { known, SDPA_BACKENDS, unknown, type Fact, type SdpaBackend, type SdpaSwitches } from '../../../runtime/dispatch/facts';
import { arg, fileLine, type CallArgs, type Engine } from '../values/engine';
import { evaluate, evaluateArgs } from './evaluate';
import type { Frame, PathState } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { valueKey, type Value } from '../values/values';

const ENUM: Readonly<Record<string, SdpaBackend>> = {
  FLASH_ATTENTION: 'flash', EFFICIENT_ATTENTION: 'efficient', MATH: 'math', CUDNN_ATTENTION: 'cudnn',
};

const ENABLE = /^torch\.backends\.cuda\.enable_(flash|mem_efficient|math|cudnn)_sdp$/;
const ENABLE_NAMES: Readonly<Record<string, SdpaBackend>> = { flash: 'flash', mem_efficient: 'efficient', math: 'math', cudnn: 'cudnn' };

/** The deprecated `sdp_kernel`'s keywords, in its positional order. */
const SDP_KERNEL_FLAGS: readonly [string, SdpaBackend][] = [
  ['enable_flash', 'flash'], ['enable_math', 'math'], ['enable_mem_efficient', 'efficient'], ['enable_cudnn', 'cudnn'],
];

/** "`sdpa_kernel(SDPBackend.MATH)` at train.py:9"; a long call keeps only its callee. */
function sourceOf(callNode: SyntaxNode, fr: Frame): string {
  const text = textOf(callNode).replace(/\s+/g, ' ');
  const shown = text.length <= 72 ? text : `${textOf(field(callNode, 'function')!)}(…)`;
  return `\`${shown}\` at ${fileLine(fr, callNode)}`;
}

function argsOf(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): CallArgs {
  const list = field(callNode, 'arguments');
  return evaluateArgs(list ? namedChildren(list) : [], st, fr, e);
}

function flag(v: Value | undefined, absent: Fact<boolean>, source: string): Fact<boolean> {
  if (!v) return absent;
  return v.t === 'bool' ? known(v.value, source) : unknown(`the flag of ${source}`);
}

/** The backends a `sdpa_kernel` argument names, in order; null when the code does not establish them. */
function backendList(v: Value | undefined): SdpaBackend[] | null {
  const items = v?.t === 'tuple' ? v.items : v ? [v] : [];
  const names = items.map((item) => (item.t === 'ref' && item.name.startsWith('torch') ? /(?:^|\.)SDPBackend\.(\w+)$/.exec(item.name)?.[1] : undefined));
  if (items.length === 0 || names.some((n) => n === undefined)) return null;
  return names.flatMap((n) => ENUM[n!] ?? []);
}

/**
 * `sdpa_kernel(backends, set_priority=False)`: only the listed backends are on until the region ends.
 * Without `set_priority` the order in force when it is entered stays (no `priority` here).
 */
function sdpaKernel(args: CallArgs, source: string): SdpaSwitches {
  const listed = backendList(arg(args, 0, 'backends')?.value);
  const enabled = Object.fromEntries(SDPA_BACKENDS.map((b) => [b, listed ? known(listed.includes(b), source) : unknown(`the backends of ${source}`)]));
  const ordered = flag(arg(args, 1, 'set_priority')?.value, args.moreKeywords || args.morePositional ? unknown(`the order of ${source}`) : known(false, source), source);
  const priority = !ordered.known ? unknown(`the order of ${source}`)
    : !ordered.value ? undefined : listed ? known(listed, source) : unknown(`the backends of ${source}`);
  return priority ? { enabled, priority } : { enabled };
}

/** The deprecated `torch.backends.cuda.sdp_kernel(enable_flash=True, …)`: each flag defaults to on; the order stays. */
function sdpKernel(args: CallArgs, source: string): SdpaSwitches {
  // A flag not written is on, unless a splat the code leaves open may set it (`**backend_map[…]`).
  const unwritten = args.moreKeywords || args.morePositional ? unknown(`the flags ${source} unpacks`) : known(true, source);
  return { enabled: Object.fromEntries(SDP_KERNEL_FLAGS.map(([kw, b], i) => [b, flag(arg(args, i, kw)?.value, unwritten, source)])) };
}

/**
 * The switches a region object sets up when its callee (resolved to `name`) is `sdpa_kernel` or
 * `sdp_kernel`; undefined otherwise. A `priority` left out keeps the order in force where it is entered.
 */
export function regionSwitches(name: string, args: CallArgs, callNode: SyntaxNode, fr: Frame): SdpaSwitches | undefined {
  const region = name === 'torch.nn.attention.sdpa_kernel' ? sdpaKernel : name === 'torch.backends.cuda.sdp_kernel' ? sdpKernel : undefined;
  return region?.(args, sourceOf(callNode, fr));
}

/** The switches after a statement `torch.backends.cuda.enable_X_sdp(flag)`; undefined when the call is none. */
export function statementSwitches(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): SdpaSwitches | undefined {
  const fnNode = field(callNode, 'function');
  if (!fnNode || !textOf(fnNode).endsWith('_sdp')) return undefined; // cheap test first: most statements are not switches
  const callee = evaluate(fnNode, st, fr, e);
  const which = callee.t === 'ref' ? ENABLE.exec(callee.name)?.[1] : undefined;
  if (!which) return undefined;
  const source = sourceOf(callNode, fr);
  const value = flag(arg(argsOf(callNode, st, fr, e), 0, 'enabled')?.value, unknown(`the flag of ${source}`), source);
  const before = st.ctx.sdpa;
  return { ...before, enabled: { ...before?.enabled, [ENABLE_NAMES[which]]: value } };
}

/**
 * The switches a module's top-level statements leave on every path (`enable_flash_sdp(False)` at import
 * time): functions of that module that nobody calls start with them. undefined when the paths disagree.
 */
export function importTimeSwitches(states: readonly PathState[]): SdpaSwitches | undefined {
  const first = states[0]?.ctx.sdpa;
  return states.every((s) => valueKey(s.ctx.sdpa) === valueKey(first)) ? first : undefined;
}

/**
 * What a function call leaves switched for its caller (`enable_*_sdp` in the callee, or in functions
 * it calls): per backend, the flag after it returns; a backend left out is as it was on entry.
 */
export type SdpaLeft = { readonly [B in SdpaBackend]?: Fact<boolean> };

/**
 * The switches a call leaves, from the switches it was entered with and its end states (every path
 * through it, returned or not). A flag its paths leave differently is unknown: it depends on the
 * conditions that tell those paths apart (`` `cfg.no_flash` ``). undefined when it changes none.
 */
export function switchesLeft(entry: SdpaSwitches | undefined, ends: readonly PathState[], fn: string): SdpaLeft | undefined {
  const left: Partial<Record<SdpaBackend, Fact<boolean>>> = {};
  for (const b of SDPA_BACKENDS) {
    const before = entry?.enabled[b];
    const after = ends.map((s) => s.ctx.sdpa?.enabled[b]);
    if (after.every((f) => f === before)) continue;
    const changed = ends.filter((_, i) => after[i] !== before);
    const first = after.find((f) => f !== before)!;
    const sources = after.filter((f, i, all) => f !== before && all.indexOf(f) === i).map((f) => (!f ? 'PyTorch\'s default' : f.known ? f.source : f.dependsOn));
    left[b] = changed.length === ends.length && after.every((f) => valueKey(f) === valueKey(first)) ? first
      : unknown(differingWhy(changed, ends, fn, sources));
  }
  return Object.keys(left).length > 0 ? left : undefined;
}

/**
 * "`cfg.no_flash` (`…enable_flash_sdp(False)` at setup.py:5)": the conditions under which a callee's
 * paths (`changed` of its `ends`) set what they left, with where each value came from.
 */
export function differingWhy(changed: readonly PathState[], ends: readonly PathState[], fn: string, sources: readonly string[]): string {
  const common = (states: readonly PathState[]): string[] => [...states[0]!.assume].filter(([id, v]) => states.every((s) => s.assume.get(id) === v)).map(([id]) => id);
  const everywhere = new Set(common(ends));
  const conditions = common(changed).filter((id) => !everywhere.has(id)).map((id) => changed[0]!.assumeText.get(id)!);
  return conditions.length > 0 ? `\`${conditions.join(' and ')}\` (${sources.join('; ')})` : `the path through \`${fn}\` (${sources.join('; ')})`;
}

/**
 * The switches in force after a call that left `left`: each flag it set, its source extended with
 * the call ("`…enable_flash_sdp(False)` at setup.py:5, in `configure_backends` called at train.py:20").
 */
export function afterCall(before: SdpaSwitches | undefined, left: SdpaLeft, via: string): SdpaSwitches {
  const set = Object.fromEntries(Object.entries(left).map(([b, f]) => [b, f.known ? known(f.value, `${f.source}, ${via}`) : unknown(`${f.dependsOn}, ${via}`)]));
  return { ...before, enabled: { ...before?.enabled, ...set } };
}
