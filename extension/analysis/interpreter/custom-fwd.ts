/**
 * `@torch.amp.custom_fwd(device_type=…, cast_inputs=…)` and `@torch.cuda.amp.custom_fwd(…)` (with or
 * without parentheses) on a function, usually an `autograd.Function`'s forward. As PyTorch defines it:
 * with `cast_inputs`, a call from an autocast-enabled region gets its floating-point tensor arguments
 * (float64 excepted, inside tuples and dicts too) cast to that dtype and runs its body with autocast
 * off; called outside autocast, or without `cast_inputs`, it runs as written. `custom_bwd` changes
 * nothing in the forward pass and is not read.
 */
import { known, unknown, type Dtype, type Fact } from '../../../runtime/dispatch/facts';
import { fileLine, type CallArg, type CallArgs, type Engine } from '../values/engine';
import { evaluate, evaluateArgs } from './evaluate';
import type { Ctx, Frame, PathState } from '../values/state';
import { field, namedChildren, textOf, type SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';

const CUSTOM_FWD = /^torch\.(cuda\.)?amp\.(autocast_mode\.)?custom_fwd$/;

/** What the function runs with: its context and its arguments, as the decorators leave them. */
export interface Decorated {
  readonly ctx: Ctx;
  readonly args: CallArgs;
}

/** Applies a `custom_fwd` decorator among `decorators`, evaluated in `st` at the module's top level (`fr`). */
export function customForward(decorators: readonly SyntaxNode[], call: Decorated, st: PathState, fr: Frame, e: Engine): Decorated {
  for (const d of decorators) {
    const callee = evaluate(d.type === 'call' ? field(d, 'function')! : d, st, fr, e);
    if (callee.t !== 'ref' || !CUSTOM_FWD.test(callee.name)) continue;
    const list = d.type === 'call' ? field(d, 'arguments') : undefined;
    const cast = list ? evaluateArgs(namedChildren(list), st, fr, e).keywords.get('cast_inputs')?.value : undefined;
    if (!cast || cast.t === 'none') return call; // the body runs under the caller's autocast
    return castInputs(cast, call, `\`@${textOf(d)}\` at ${fileLine(fr, d)}`);
  }
  return call;
}

function castInputs(cast: Value, call: Decorated, source: string): Decorated {
  const caller = call.ctx.autocast;
  if (caller.known && caller.value === null) return call; // outside autocast: no cast, autocast stays off
  // Known autocast: cast to `cast_inputs`; unknown: cast or not, as the caller's autocast goes.
  const to: Fact<Dtype> = cast.t !== 'dtype' ? unknown(`the \`cast_inputs\` of ${source}`)
    : caller.known ? known(cast.value, `cast_inputs of ${source}`) : unknown(`${caller.dependsOn} (${source} casts to ${cast.value} only under autocast)`);
  const autocast = cast.t === 'dtype' ? known(null, `autocast off in the body of ${source}`) : unknown(`the \`cast_inputs\` of ${source}`);
  const each = (a: CallArg): CallArg => ({ ...a, value: castValue(a.value, to, cast.t === 'dtype' ? cast.value : undefined) });
  const args = { ...call.args, positional: call.args.positional.map(each), keywords: new Map([...call.args.keywords].map(([k, a]) => [k, each(a)])) };
  return { ctx: { ...call.ctx, autocast }, args };
}

/**
 * PyTorch's `_cast`: floating-point tensors other than float64 take the dtype `to`; containers are cast
 * item by item. A tensor already of `target` (the `cast_inputs` dtype) keeps its fact, cast or not.
 */
function castValue(v: Value, to: Fact<Dtype>, target: Dtype | undefined): Value {
  if (v.t === 'tuple') return { ...v, items: v.items.map((x) => castValue(x, to, target)) };
  if (v.t === 'dict') return { ...v, entries: v.entries.map(([k, x]) => [k, castValue(x, to, target)] as const) };
  if (v.t !== 'tensor' || v.bool || !v.dtype.known || v.dtype.value === 'float64' || (!to.known && v.dtype.value === target)) return v;
  return { ...v, dtype: to };
}
