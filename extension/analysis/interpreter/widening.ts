/**
 * Context sensitivity with a bound. A function (for one `self` and context) or a class is analysed
 * once per distinct abstract input for its first MAX_VARIANTS inputs in a run; past that, a new
 * input first has only its numbers widened against the first one (sizes differ from call to call,
 * while strings, flags and classes choose the code that runs: `activation_fn="gelu"` kept is a GELU
 * built, not five activation classes joined to unknown), for MAX_VARIANTS such inputs more; past
 * those, every argument is widened (what both pass alike stays, what differs becomes unknown and says
 * why). Calls widened alike share one analysis. A model zoo that builds one attention
 * class with 200 configurations thus analyses it a few times, not 200. The widened input depends on
 * the first input and the call's own only, not on the order of the calls between them: a run that
 * reuses most invocations from the last one (and only notes their inputs) widens as a fresh run does.
 */
import { unknown } from '../../../runtime/dispatch/facts';
import type { CallArg, CallArgs } from '../values/engine';
import { tensor, UNKNOWN, valueKey, type Dim, type Value } from '../values/values';

/** Distinct inputs analysed as they are, per function (and `self` and context) or class, in a run. */
export const MAX_VARIANTS = 8;

const OWNERS = new Map<string, string>();

/**
 * One string object for each owner (function with `self` and context, or class) for the life of the
 * process: a run's tables of inputs then find an owner by identity, where a keystroke's run noting
 * the inputs of the 27,000 invocations it reuses compared the characters of copies.
 */
export function variantOwner(words: string): string {
  let owner = OWNERS.get(words);
  if (owner === undefined) OWNERS.set(words, owner = words);
  return owner;
}

/**
 * The inputs one owner was analysed with in a run: the first alone, as most owners have one (a
 * keystroke's run notes 15,000 such on a real package, and a set for each was most of what it built).
 */
interface Inputs {
  first?: CallArgs;
  only?: string;
  /** All of them, once there is a second. */
  all?: Set<string>;
  /** The inputs analysed with their numbers widened (`widenNumbers`), once the exact ones are spent. */
  numbersWidened?: Set<string>;
}

function has(inputs: Inputs, key: string): boolean {
  return inputs.only === key || (inputs.all?.has(key) ?? false);
}

function count(inputs: Inputs): number {
  return inputs.all?.size ?? (inputs.only === undefined ? 0 : 1);
}

function add(inputs: Inputs, key: string, args: CallArgs): void {
  inputs.first ??= args;
  if (inputs.only === undefined) inputs.only = key;
  else if (inputs.only !== key) (inputs.all ??= new Set([inputs.only])).add(key);
}

/** The inputs seen per function or class in one run, and the widened input once there are too many. */
export class Variants {
  private readonly seen = new Map<string, Inputs>();

  /**
   * The arguments to analyse a call with: its own while `owner` has had at most MAX_VARIANTS distinct
   * inputs (`key`) in this run, or when this input was seen already; else the widened arguments.
   */
  argsFor(owner: string, key: string, args: CallArgs, what: string, keyOf: (args: CallArgs) => string): { readonly args: CallArgs; readonly widened: boolean } {
    let inputs = this.seen.get(owner);
    if (!inputs) this.seen.set(owner, inputs = {});
    if (has(inputs, key) || count(inputs) < MAX_VARIANTS) {
      add(inputs, key, args);
      return { args, widened: false };
    }
    const first = inputs.first ?? args;
    const numbersWidened = widenNumbers(first, args, what);
    const numbersKey = keyOf(numbersWidened);
    const seen = (inputs.numbersWidened ??= new Set());
    if (seen.has(numbersKey) || seen.size < MAX_VARIANTS) {
      seen.add(numbersKey);
      return { args: numbersWidened, widened: true };
    }
    return { args: widenArgs(first, args, what), widened: true };
  }

  /** Whether `argsFor` would analyse this input as it is (not widened). */
  fits(owner: string, key: string): boolean {
    const inputs = this.seen.get(owner);
    return !inputs || has(inputs, key) || count(inputs) < MAX_VARIANTS;
  }

  /** An input analysed in an earlier run and reused in this one counts as seen. */
  note(owner: string, key: string, args: CallArgs): void {
    let inputs = this.seen.get(owner);
    if (!inputs) this.seen.set(owner, inputs = {});
    add(inputs, key, args);
  }
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];

function differs(what: string, arg: string): string {
  return `${arg} of ${what} (its callers pass more than ${MAX_VARIANTS} different inputs: analysis budget)`;
}

/** One input standing for `a` and `b`: each argument widened (widenValue); one passed by only one of them is unknown. */
export function widenArgs(a: CallArgs, b: CallArgs, what: string): CallArgs {
  const count = Math.max(a.positional.length, b.positional.length);
  const positional: CallArg[] = [];
  for (let i = 0; i < count; i++) {
    const name = `the ${ORDINALS[i] ?? `#${i + 1}`} argument`;
    const x = a.positional[i]; const y = b.positional[i];
    positional.push({ node: (y ?? x)!.node, value: x && y ? widenValue(x.value, y.value, differs(what, name)) : UNKNOWN(differs(what, name)) });
  }
  const keywords = new Map<string, CallArg>();
  for (const name of new Set([...a.keywords.keys(), ...b.keywords.keys()])) {
    const x = a.keywords.get(name); const y = b.keywords.get(name);
    const why = differs(what, `the argument \`${name}\``);
    keywords.set(name, { node: (y ?? x)!.node, value: x && y ? widenValue(x.value, y.value, why) : UNKNOWN(why) });
  }
  const splat = (x: Value | undefined, y: Value | undefined, why: string): Value | undefined => (x || y ? (x && y ? widenValue(x, y, why) : UNKNOWN(why)) : undefined);
  const morePositional = splat(a.morePositional, b.morePositional, differs(what, 'the unpacked positional arguments'));
  const moreKeywords = splat(a.moreKeywords, b.moreKeywords, differs(what, 'the unpacked keyword arguments'));
  return {
    positional, keywords,
    ...(morePositional ? { morePositional } : {}), ...(moreKeywords ? { moreKeywords } : {}),
    ...(a.noCaller && b.noCaller ? { noCaller: true as const } : {}),
  };
}

/**
 * A value standing for `a` and `b`, which stops changing after a few widenings: the same value stays;
 * two tensors give a tensor whose dtype and dims are kept where both agree, with `b`'s hand-written
 * attention (the call's own: each chain is one attention site of its caller, which a helper handing
 * it back must keep; the first caller's would name another site, none would lose this one); anything
 * else is unknown (`why`, the same text every time, so the widened input's key settles).
 */
export function widenValue(a: Value, b: Value, why: string): Value {
  if (a === b || valueKey(a) === valueKey(b)) return a;
  if (a.t === 'tensor' && b.t === 'tensor') {
    const dtype = a.dtype.known && b.dtype.known && a.dtype.value === b.dtype.value ? a.dtype : unknown(why);
    const shape = a.shape && b.shape && a.shape.length === b.shape.length ? a.shape.map((d, i) => widenDim(d, b.shape![i]!, why)) : undefined;
    const bool = a.bool === b.bool ? a.bool : undefined;
    const widened = tensor(dtype, a.origin === b.origin ? a.origin : why, { ...(bool !== undefined ? { bool } : {}), ...(shape ? { shape } : {}), ...(a.param && b.param ? { param: true } : {}) });
    return b.manual ? { ...widened, manual: b.manual } : widened;
  }
  return UNKNOWN(why);
}

/**
 * `b`'s own arguments, each with its sizes widened against the same argument of `a` where `a` passes
 * it (`widenNumber`): what `b` passes and `a` leaves to its default stays `b`'s.
 */
function widenNumbers(a: CallArgs, b: CallArgs, what: string): CallArgs {
  const positional = b.positional.map((y, i): CallArg => {
    const x = a.positional[i];
    return x ? { node: y.node, value: widenNumber(x.value, y.value, differs(what, `the ${ORDINALS[i] ?? `#${i + 1}`} argument`)) } : y;
  });
  const keywords = new Map([...b.keywords].map(([name, y]): [string, CallArg] => {
    const x = a.keywords.get(name);
    return [name, x ? { node: y.node, value: widenNumber(x.value, y.value, differs(what, `the argument \`${name}\``)) } : y];
  }));
  return { ...b, positional, keywords };
}

/** `b` with its sizes widened against `a` (numbers, tensors' dims, tuples of them); any other value is `b`'s own. */
function widenNumber(a: Value, b: Value, why: string): Value {
  if (a.t === 'num' && b.t === 'num') return widenValue(a, b, why);
  if (a.t === 'tensor' && b.t === 'tensor') return a.dtype.known && b.dtype.known && a.dtype.value === b.dtype.value ? widenValue(a, b, why) : b;
  if (a.t === 'tuple' && b.t === 'tuple' && a.items.length === b.items.length) return { t: 'tuple', items: b.items.map((item, i) => widenNumber(a.items[i]!, item, why)) };
  return b;
}

function widenDim(a: Dim, b: Dim, why: string): Dim {
  if (a.value !== null && a.value === b.value) return { value: a.value, role: a.role === b.role ? a.role : null, source: a.source };
  return { value: null, role: a.role === b.role ? a.role : null, source: why };
}
