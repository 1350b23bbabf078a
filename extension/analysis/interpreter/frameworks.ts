/**
 * Training frameworks that hand the model back, as the libraries define them. Hugging Face
 * Accelerate: `Accelerator(mixed_precision=…)`; `prepare(a, b, …)` returns its arguments in order
 * (one argument: that object), the model with its forward run under autocast in the mixed precision;
 * `prepare_model(model)` likewise; `unwrap_model(model)` keeps that autocast unless
 * `keep_fp32_wrapper=False`; `autocast()` enters it. Lightning Fabric: `Fabric(precision=…)`;
 * `setup(model, *optimizers)` and `setup_module(model)` return a module whose forward runs in the
 * precision's context (autocast for `"bf16-mixed"` / `"16-mixed"`; the module and its floating-point
 * inputs cast for `"bf16-true"` / `"16-true"` / `"64-true"`); `autocast()` enters the autocast.
 * DeepSpeed: `deepspeed.initialize(model=…)` returns (engine, optimizer, loader, scheduler); calling
 * the engine calls the model, in a precision its config sets (not read: unknown, and it says why).
 * Recognised by how the object was made (the class or function imported from the library), never by
 * a variable's name. `.backward(loss)` on any of them is a training clue of its own (modes.ts).
 */
import { known, unknown, type Dtype } from '../../../runtime/dispatch/facts';
import { arg, fileLine, type CallArgs } from '../values/engine';
import { enterContext } from './contexts';
import type { Frame, PathState } from '../values/state';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import { isTensor, UNKNOWN, type ContextValue, type Value } from '../values/values';

type Framework = Extract<Value, { t: 'framework' }>;
type Prepared = Extract<Value, { t: 'prepared' }>;

const ACCELERATOR = /^accelerate(\.accelerator)?\.Accelerator$/;
const FABRIC = /^(lightning(\.fabric)?|lightning_fabric)(\.fabric)?\.Fabric$/;

/** The methods followed, per framework class (any other attribute of the object is unknown). */
const METHODS: Readonly<Record<string, ReadonlySet<string>>> = {
  'accelerate.Accelerator': new Set(['prepare', 'prepare_model', 'unwrap_model', 'autocast']),
  'lightning.fabric.Fabric': new Set(['setup', 'setup_module', 'autocast']),
};

/** Accelerate's `mixed_precision` values: the autocast dtype, or `null` for none ("no"). */
const ACCELERATE_PRECISION: Readonly<Record<string, Dtype | null>> = { bf16: 'bfloat16', fp16: 'float16', no: null };

/** Fabric's `precision` values: the autocast its forward runs in, or the dtype it casts the module and inputs to. */
const FABRIC_PRECISION: Readonly<Record<string, { readonly autocast?: Dtype; readonly cast?: Dtype }>> = {
  'bf16-mixed': { autocast: 'bfloat16' }, 'bf16': { autocast: 'bfloat16' }, '16-mixed': { autocast: 'float16' }, '16': { autocast: 'float16' },
  '32-true': {}, '32': {}, '64-true': { cast: 'float64' }, '64': { cast: 'float64' }, 'bf16-true': { cast: 'bfloat16' }, '16-true': { cast: 'float16' },
};

/**
 * A call of a framework's class, function or (bound) method: the framework object, DeepSpeed's
 * tuple, what a method returns; undefined when `name` is none of those.
 */
export function frameworkCall(name: string, args: CallArgs, node: SyntaxNode, fr: Frame): Value | undefined {
  if (ACCELERATOR.test(name)) return { t: 'framework', api: 'accelerate.Accelerator', precision: acceleratePrecision(args, node, fr) };
  if (FABRIC.test(name)) return fabric(args, node, fr);
  if (name === 'deepspeed.initialize') return deepspeedInitialize(args, node, fr);
  const self = args.positional[0]?.value;
  const method = name.slice(name.lastIndexOf('.') + 1);
  if (self?.t !== 'framework' || name !== `${self.api}.${method}`) return undefined;
  return frameworkMethod(self, method, { ...args, positional: args.positional.slice(1) }, node, fr);
}

/** `accelerator.prepare`: a bound method (a partial of the method with the object first) where followed, else unknown. */
export function frameworkAttribute(obj: Framework, name: string, node: SyntaxNode): Value {
  if (!METHODS[obj.api]?.has(name)) return UNKNOWN(`\`${textOf(node)}\``);
  return { t: 'partial', fn: { t: 'ref', name: `${obj.api}.${name}` }, args: { positional: [{ value: obj, node }], keywords: new Map() } };
}

function frameworkMethod(fw: Framework, method: string, args: CallArgs, node: SyntaxNode, fr: Frame): Value | undefined {
  const where = fileLine(fr, node);
  const call = `\`${textOf(field(node, 'function') ?? node)}(…)\` at ${where}`;
  const accelerate = fw.api === 'accelerate.Accelerator';
  const lib = accelerate ? 'Accelerate' : 'Fabric';
  if (method === 'autocast') return citedRegion(fw.precision, `\`${textOf(node)}\` at ${where}`);
  const region = citedRegion(fw.precision, `${lib}'s autocast around the forward of the model ${accelerate ? 'prepared' : 'set up'} at ${where}`);
  const by = `${accelerate ? 'prepared' : 'set up'} by ${call}`;
  const prepare = (v: Value | undefined): Value => (v ? preparedModel(v, region, by, fw.cast) : UNKNOWN(`the result of ${call}`));
  switch (method) {
    case 'prepare': {
      const items = args.positional.map((a) => prepare(a.value));
      return items.length === 1 && !args.morePositional ? items[0]! : args.morePositional ? UNKNOWN(`the result of ${call}`) : { t: 'tuple', items };
    }
    case 'prepare_model': return prepare(arg(args, 0, 'model')?.value);
    case 'unwrap_model': {
      const model = arg(args, 0, 'model')?.value;
      const keep = arg(args, 1, 'keep_fp32_wrapper')?.value;
      return model?.t === 'prepared' && keep?.t === 'bool' && !keep.value ? model.module : model ?? UNKNOWN(`the result of ${call}`);
    }
    case 'setup': {
      const [module, ...optimizers] = args.positional;
      const scheduler = args.keywords.get('scheduler');
      const rest = [...optimizers, ...(scheduler ? [scheduler] : [])].map((a) => a.value);
      return rest.length === 0 ? prepare(module?.value) : { t: 'tuple', items: [prepare(module?.value), ...rest] };
    }
    case 'setup_module': return prepare(arg(args, 0, 'module')?.value);
    default: return undefined;
  }
}

/**
 * The model a framework hands back: calling it calls `v` in `region`. Anything else it is given (an
 * optimizer, a data loader, a model of unknown class) comes back as it was.
 */
function preparedModel(v: Value, region: ContextValue, by: string, cast?: Dtype): Value {
  if (v.t !== 'instance' && v.t !== 'torchmod') return v;
  return { t: 'prepared', module: cast ? { ...v, cast } : v, region, by, ...(cast ? { inputs: cast } : {}) };
}

/** The framework's precision entered at `what`: a known autocast says where it was entered and where it was set. */
function citedRegion(precision: ContextValue, what: string): ContextValue {
  const a = precision.autocast;
  return a?.known ? { t: 'context', autocast: known(a.value, `${what}, ${a.source}`) } : precision;
}

/**
 * Calling a prepared model: its module's forward runs in the framework's region (its floating-point
 * tensor arguments cast first where the framework casts them); the caller's autocast, and whether it
 * runs compiled (`torch.compile`), are back after.
 */
export function callPrepared(p: Prepared, args: CallArgs, st: PathState, call: (callee: Value, args: CallArgs) => Value): Value {
  const { autocast, compiled } = st.ctx;
  st.ctx = enterContext(st.ctx, p.region);
  try {
    return call(p.module, p.inputs ? castInputs(args, p.inputs, `input cast to ${p.inputs} for the model ${p.by}`) : args);
  } finally {
    const { compiled: _inner, ...rest } = st.ctx;
    st.ctx = { ...rest, autocast, ...(compiled ? { compiled } : {}) };
  }
}

function castInputs(args: CallArgs, dtype: Dtype, source: string): CallArgs {
  const cast = (v: Value): Value => (isTensor(v) && !v.bool ? { ...v, dtype: known(dtype, source) } : v);
  return {
    ...args,
    positional: args.positional.map((a) => ({ ...a, value: cast(a.value) })),
    keywords: new Map([...args.keywords].map(([k, a]) => [k, { ...a, value: cast(a.value) }])),
  };
}

/** `Accelerator(mixed_precision=…)`: not given, the launcher or the Accelerate config decides, so it is unknown. */
function acceleratePrecision(args: CallArgs, node: SyntaxNode, fr: Frame): ContextValue {
  const given = arg(args, 2, 'mixed_precision');
  if (!given || given.value.t === 'none') {
    return { t: 'context', autocast: unknown(`the mixed precision of \`${textOf(field(node, 'function') ?? node)}(…)\` at ${fileLine(fr, node)} (not given in the code: \`accelerate launch\` or the Accelerate config sets it)`) };
  }
  const text = `\`mixed_precision=${textOf(given.node)}\` at ${fileLine(fr, given.node)}`;
  const v = given.value;
  const dtype = v.t === 'str' && Object.hasOwn(ACCELERATE_PRECISION, v.value) ? ACCELERATE_PRECISION[v.value] : undefined;
  if (dtype === null) return { t: 'context' };
  if (dtype) return { t: 'context', autocast: known(dtype, text) };
  return { t: 'context', autocast: unknown(v.t === 'unknown' ? `${text}, which depends on ${v.why}` : `${text} (not modelled)`) };
}

/** `Fabric(precision=…)` (keyword-only); not given, `fabric run --precision` may set it, so it is unknown. */
function fabric(args: CallArgs, node: SyntaxNode, fr: Frame): Framework {
  const api = 'lightning.fabric.Fabric';
  const given = args.keywords.get('precision');
  if (!given || given.value.t === 'none') {
    return { t: 'framework', api, precision: { t: 'context', autocast: unknown(`the precision of \`${textOf(field(node, 'function') ?? node)}(…)\` at ${fileLine(fr, node)} (not given in the code: "32-true" unless \`fabric run --precision\` sets it)`) } };
  }
  const text = `\`precision=${textOf(given.node)}\` at ${fileLine(fr, given.node)}`;
  const v = given.value;
  const key = v.t === 'str' ? v.value : v.t === 'num' ? String(v.value) : undefined;
  const p = key !== undefined && Object.hasOwn(FABRIC_PRECISION, key) ? FABRIC_PRECISION[key] : undefined;
  if (!p) return { t: 'framework', api, precision: { t: 'context', autocast: unknown(v.t === 'unknown' ? `${text}, which depends on ${v.why}` : `${text} (not modelled)`) } };
  return { t: 'framework', api, precision: p.autocast ? { t: 'context', autocast: known(p.autocast, text) } : { t: 'context' }, ...(p.cast ? { cast: p.cast } : {}) };
}

/**
 * `deepspeed.initialize(args=…, model=…, …)` → (engine, optimizer, training_dataloader, lr_scheduler).
 * The engine calls the model; its precision (fp16, bf16 or fp32) comes from the DeepSpeed config,
 * which the code passes as a file or a dict the analysis does not read: the autocast-listed ops' dtypes
 * are unknown and name the config.
 */
function deepspeedInitialize(args: CallArgs, node: SyntaxNode, fr: Frame): Value {
  const where = fileLine(fr, node);
  const config = args.keywords.get('config') ?? args.keywords.get('config_params') ?? arg(args, 0, 'args');
  const from = config ? `the DeepSpeed config passed as \`${textOf(config.node)}\`` : 'the DeepSpeed config';
  const region: ContextValue = { t: 'context', autocast: unknown(`the precision of the DeepSpeed engine made at ${where}: ${from} sets it, and the analysis does not read it`) };
  const model = arg(args, 1, 'model')?.value;
  const engine = model ? preparedModel(model, region, `wrapped by \`deepspeed.initialize(…)\` at ${where}`) : UNKNOWN(`the engine \`deepspeed.initialize(…)\` at ${where} returns (no model given)`);
  const rest = ['optimizer', 'data loader', 'learning-rate scheduler'].map((what) => UNKNOWN(`the ${what} \`deepspeed.initialize(…)\` at ${where} returns`));
  return { t: 'tuple', items: [engine, ...rest] };
}
