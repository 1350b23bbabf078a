/**
 * Context managers as values: autocast regions (`torch.autocast`, `torch.amp.autocast`,
 * `torch.cuda.amp.autocast`, `torch.cpu.amp.autocast`; dtype, device default, `enabled=`),
 * `torch.no_grad()` / `torch.inference_mode()` (the inference path), SDPA's backend switches,
 * `contextlib.nullcontext()` (no change), and what a workspace `@contextmanager` generator sets up
 * at its `yield`. A call makes one; a `with` or a decorator enters it, where it is written or later
 * through a name it was stored in.
 */
import { parseDtype } from '../../../runtime/dispatch/dtype';
import { known, unknown, type Dtype, type Fact } from '../../../runtime/dispatch/facts';
import { decide, truthOfValue } from './conditions';
import { arg, fileLine, type CallArgs, type Engine } from '../values/engine';
import { callValue, evaluate, evaluateArgs } from './evaluate';
import { contextBackend, isBackendContext } from './diffusers-backend';
import { regionSwitches } from './sdpa-switches';
import type { FunctionInfo } from '../workspace-index/module-index';
import type { Ctx, Frame, PathState, YieldPoint } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import { atom, joinContexts, UNKNOWN, valueKey, type ContextValue, type Value } from '../values/values';

const AUTOCAST = /^torch\.(autocast|amp\.autocast|cuda\.amp\.autocast|cpu\.amp\.autocast)$/;
const CONTEXT_MANAGER = /^(torch\.(autocast|amp\.autocast|cuda\.amp\.autocast|cpu\.amp\.autocast|no_grad|inference_mode|nn\.attention\.sdpa_kernel|backends\.cuda\.sdp_kernel)|contextlib\.nullcontext)$/;

/** The context manager a call of `name` makes; undefined when it is none of these. */
export function contextValue(name: string, args: CallArgs, callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  const diffusersBackend = contextBackend(name, args, callNode, fr);
  if (diffusersBackend) return { t: 'context', diffusersBackend };
  if (!CONTEXT_MANAGER.test(name)) return undefined;
  if (name === 'contextlib.nullcontext') return { t: 'context' };
  const where = fileLine(fr, callNode);
  if (/(no_grad|inference_mode)$/.test(name)) return { t: 'context', mode: known('infer', `\`${name}()\` at ${where}`) };
  const sdpa = regionSwitches(name, args, callNode, fr);
  if (sdpa) return { t: 'context', sdpa };
  return AUTOCAST.test(name) ? autocastRegion(name, args, where, st, e) : undefined;
}

/**
 * An autocast region; where its `enabled=` or `dtype=` is open, with its cases (a `with` runs each):
 * on or off by the condition `enabled=` holds, and the dtype float16 or bfloat16, the two autocast
 * takes on CUDA (torch.get_autocast_dtype), by which one the code passes.
 */
function autocastRegion(name: string, args: CallArgs, where: string, st: PathState, e: Engine): ContextValue {
  const autocast = autocastOf(name, args, where, st, e);
  if (autocast.known) return { t: 'context', autocast };
  const enabled = arg(args, name === 'torch.autocast' || name === 'torch.amp.autocast' ? 2 : 0, 'enabled');
  const on = enabled ? decide(truthOfValue(enabled.value, textOf(enabled.node), e), st) : true;
  const enabledRegion = (): ContextValue => {
    const dtype = regionDtype(name, args, where);
    return dtype.known ? { t: 'context', autocast: dtype } : { t: 'context', autocast: dtype, ...dtypeCases(args, where) };
  };
  if (on !== undefined) return enabledRegion();
  const t = truthOfValue(enabled!.value, textOf(enabled!.node), e);
  const when = 'f' in t ? t.f : atom(`autocast-enabled:${where}`, `\`enabled=${textOf(enabled!.node)}\` at ${where}`);
  const off: ContextValue = { t: 'context', autocast: known(null, `autocast disabled (\`enabled=${textOf(enabled!.node)}\` false) at ${where}`) };
  return { t: 'context', autocast, cases: [{ when, context: enabledRegion() }, { when: { op: 'not', a: when }, context: off }] };
}

/** An enabled region whose `dtype=` the code leaves open: float16 or bfloat16, by which the code passes. */
function dtypeCases(args: CallArgs, where: string): Pick<ContextValue, 'cases'> {
  const dtype = arg(args, 1, 'dtype');
  if (!dtype) return {};
  const text = textOf(dtype.node);
  const half = atom(`autocast-dtype:${where}`, `the autocast dtype \`${text}\` at ${where} is float16`);
  const region = (d: Dtype): ContextValue => ({ t: 'context', autocast: known(d, `autocast region at ${where}, \`${text}\` ${d} (one of the two dtypes autocast takes)`) });
  return { cases: [{ when: half, context: region('float16') }, { when: { op: 'not', a: half }, context: region('bfloat16') }] };
}

/**
 * The context manager a decorator call makes: a library one (`@torch.autocast(…)`), or a workspace
 * `@contextmanager` generator's (contextlib makes those decorators too: `@autocast_region()`). A
 * workspace class is not entered: only one that derives from `ContextDecorator` would be a decorator.
 */
export function contextOfDecorator(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  return calledContext(callNode, st, fr, e, 'functions');
}

/**
 * The context manager a `with` item's call makes: a library one as written (a framework's too:
 * `accelerator.autocast()`), or the one a workspace function makes when called there (a
 * `@contextmanager` generator run to its `yield`, a function that returns a context manager), or a
 * workspace class with `__enter__` constructed there and entered (its `__enter__` run), entered there.
 * Anything else (`open(…)`) is none.
 */
export function contextOfWithCall(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  return calledContext(callNode, st, fr, e, 'functions and classes');
}

/** Which workspace callees a context manager may come from: a decorator's, functions only; a `with` item's, classes too. */
type WorkspaceCallees = 'functions' | 'functions and classes';

function calledContext(callNode: SyntaxNode, st: PathState, fr: Frame, e: Engine, workspace: WorkspaceCallees): ContextValue | undefined {
  const entry = workspace === 'functions' ? '@' : 'with ';
  const callee = evaluate(field(callNode, 'function')!, st, fr, e);
  const library = callee.t === 'ref' && (CONTEXT_MANAGER.test(callee.name) || isBackendContext(callee.name));
  // A library object's method bound to it (frameworks.ts): `accelerator.autocast()`.
  const bound = callee.t === 'partial' && callee.fn.t === 'ref';
  if (!library && !bound && callee.t !== 'fn' && !(workspace === 'functions and classes' && callee.t === 'class')) return undefined;
  const list = field(callNode, 'arguments');
  const args = evaluateArgs(list ? namedChildren(list) : [], st, fr, e);
  if (callee.t === 'ref') return contextValue(callee.name, args, callNode, st, fr, e);
  if (bound) { const made = callValue(callee, args, st, fr, callNode, e); return made.t === 'context' ? made : undefined; }
  const made = e.callWorkspace(callee, args, st, fr, callNode);
  if (callee.t === 'class') return made && enteredInstance(made, callNode, st, fr, e);
  return made?.t === 'context' ? enteredThrough(made, callNode, fr, entry) : undefined;
}

/**
 * `with Scope(…):` / `with scope:` over an instance of a workspace class with `__enter__`: its
 * `__enter__` runs on the caller's path, and what it sets up (regions it enters, `model.eval()`, SDPA
 * switches) holds for the body and ends with it, as if `__exit__` restored it; what it returns binds
 * the `as` target. Undefined when the class has no `__enter__` in the workspace.
 */
export function enteredInstance(instance: Value, itemNode: SyntaxNode, st: PathState, fr: Frame, e: Engine): ContextValue | undefined {
  const enter = instance.t === 'instance' ? e.attribute(instance, '__enter__', st) : undefined;
  if (enter?.t !== 'fn') return undefined;
  const made = e.callWorkspace(enter, { positional: [], keywords: new Map() }, st, fr, itemNode);
  return made?.t === 'context' ? enteredThrough(made, itemNode, fr) : undefined;
}

/**
 * `ctx.__enter__()` written out (a class's `__enter__` entering the autocast its `__init__` stored):
 * the region holds for the rest of the path (to the end of `__enter__`, whose context the `with`
 * takes); the call gives what the context manager yields.
 */
export function enterCalled(v: ContextValue, callNode: SyntaxNode, st: PathState, fr: Frame): Value {
  st.ctx = enterContext(st.ctx, citing(v, `, entered by \`${textOf(callNode)}\` at ${fileLine(fr, callNode)}`));
  return v.yields ?? { t: 'none', source: `\`${textOf(callNode)}\` at ${fileLine(fr, callNode)}` };
}

/** Whether a function's decorators make it a generator context manager (`@contextlib.contextmanager`, `@contextmanager`). */
export function isGeneratorContext(decorators: readonly SyntaxNode[], st: PathState, fr: Frame, e: Engine): boolean {
  return decorators.some((d) => {
    if (d.type === 'call' || !textOf(d).endsWith('contextmanager')) return false; // cheap test first
    const v = evaluate(d, st, fr, e);
    return v.t === 'ref' && v.name === 'contextlib.contextmanager';
  });
}

/**
 * The context manager a `@contextmanager` generator makes, from its paths that reach `yield` (or a
 * class's `__enter__`, from its paths that return): what the regions open there set (autocast, the
 * path kind, SDPA switches), where they differ from `start` (the context its body began in). Paths
 * that differ join: what they set alike holds, anything else depends on the condition that split
 * them. Each fact says it was set in the generator; `with` says where it was entered
 * (`enteredThrough`). No path reaching `yield` (every path of `__enter__` raising): unknown.
 */
export function generatorContext(fn: FunctionInfo, start: Ctx, points: readonly YieldPoint[]): Value {
  const name = fn.name === '__enter__' ? fn.qualName : fn.name;
  if (points.length === 0) return UNKNOWN(`the context manager \`${name}()\` (no path reaches its ${fn.name === '__enter__' ? 'end' : '`yield`'})`);
  const changed = (field: 'autocast' | 'sdpa' | 'mode'): boolean => points.some((p) => valueKey(p.ctx[field]) !== valueKey(start[field]));
  const [autocast, sdpa, mode] = [changed('autocast'), changed('sdpa'), changed('mode')];
  const each = points.map((p): ContextValue => ({
    t: 'context', ...(autocast ? { autocast: p.ctx.autocast } : {}), ...(sdpa && p.ctx.sdpa ? { sdpa: p.ctx.sdpa } : {}),
    ...(mode ? { mode: p.ctx.mode } : {}), yields: p.value,
  }));
  const why = `${splitBy(points) ?? 'the path'} in \`${name}\``;
  return citing(each.reduce((a, b) => joinContexts(a, b, why)), ` (in \`${name}\`)`);
}

/** The condition some paths to `yield` assume and others do not, as "`text`". */
function splitBy(points: readonly YieldPoint[]): string | undefined {
  for (const p of points) {
    for (const [id, value] of p.assume) {
      if (points.every((q) => q.assume.get(id) === value)) continue;
      const holds = points.find((q) => q.assume.get(id) === true) ?? p;
      return `\`${holds.assumeText.get(id)}\``;
    }
  }
  return undefined;
}

/** The context manager with `more` added to the source of each of its known facts (autocast, path kind, SDPA switches). */
function citing(v: ContextValue, more: string): ContextValue {
  const cite = <T>(f: Fact<T>): Fact<T> => (f.known ? known(f.value, `${f.source}${more}`) : f);
  const sdpa = v.sdpa && {
    enabled: Object.fromEntries(Object.entries(v.sdpa.enabled).map(([b, f]) => [b, cite(f)])),
    ...(v.sdpa.priority ? { priority: cite(v.sdpa.priority) } : {}),
  };
  return {
    ...v, ...(v.autocast ? { autocast: cite(v.autocast) } : {}), ...(sdpa ? { sdpa } : {}),
    ...(v.diffusersBackend ? { diffusersBackend: cite(v.diffusersBackend) } : {}),
    ...(v.mode ? { mode: known(v.mode.value, `${v.mode.source}${more}`) } : {}),
    ...(v.cases ? { cases: v.cases.map((c) => ({ when: c.when, context: citing(c.context, more) })) } : {}),
  };
}

/** The context inside a region: what the context manager sets replaces what was in force. */
export function enterContext(ctx: Ctx, v: ContextValue): Ctx {
  const priority = v.sdpa ? v.sdpa.priority ?? ctx.sdpa?.priority : undefined;
  return {
    ...ctx,
    ...(v.autocast ? { autocast: v.autocast } : {}),
    ...(v.sdpa ? { sdpa: { enabled: v.sdpa.enabled, ...(priority ? { priority } : {}) } } : {}),
    ...(v.mode ? { mode: v.mode, modeAssumed: false } : {}),
    ...(v.compiled ? { compiled: v.compiled } : {}),
    ...(v.diffusersBackend ? { diffusersBackend: v.diffusersBackend } : {}),
  };
}

/**
 * A context manager entered through a name (`with ctx:` at train.py:40) or made by workspace code
 * called in the `with` item, or in a decorator (`entry` '@'): its facts say where.
 */
export function enteredThrough(v: ContextValue, itemNode: SyntaxNode, fr: Frame, entry: '@' | 'with ' = 'with '): ContextValue {
  return citing(v, `, entered by \`${entry}${textOf(itemNode)}\` at ${fileLine(fr, itemNode)}`);
}

/** `torch.autocast(device_type, dtype=None, enabled=True)` and `torch.cuda.amp.autocast(enabled=True, dtype=float16)`. */
function autocastOf(name: string, args: CallArgs, where: string, st: PathState, e: Engine): Fact<Dtype | null> {
  const isTorchAutocast = name === 'torch.autocast' || name === 'torch.amp.autocast';
  const enabled = arg(args, isTorchAutocast ? 2 : 0, 'enabled');
  if (enabled) {
    const en = decide(truthOfValue(enabled.value, textOf(enabled.node), e), st);
    if (en === false) return known(null, `autocast disabled at ${where}`);
    if (en === undefined) return unknown(`\`enabled=${textOf(enabled.node)}\` at ${where}`);
  }
  return regionDtype(name, args, where);
}

/** The dtype of an enabled autocast region: `dtype=`, else the device's default. */
function regionDtype(name: string, args: CallArgs, where: string): Fact<Dtype | null> {
  const isTorchAutocast = name === 'torch.autocast' || name === 'torch.amp.autocast';
  const device = isTorchAutocast ? arg(args, 0, 'device_type') : undefined;
  const onCpu = name.includes('cpu') || (device !== undefined && (device.value.t === 'str' ? device.value.value === 'cpu' : /cpu/.test(textOf(device.node))));
  const dtype = arg(args, 1, 'dtype');
  const region = `autocast region at ${where}`;
  if (!dtype) return known(onCpu ? 'bfloat16' : 'float16', region);
  if (dtype.value.t === 'dtype') return known(dtype.value.value, region);
  const literal = parseDtype(textOf(dtype.node));
  if (literal) return known(literal, region);
  const why = dtype.value.t === 'unknown' ? `, which depends on ${dtype.value.why}` : '';
  return unknown(`the autocast dtype \`${textOf(dtype.node)}\` at ${where}${why}`);
}
