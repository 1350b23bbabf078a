/**
 * Conditions on values: truthiness, `is None`, equality, `and`/`or`/`not`, each a boolean with the
 * reason, or a formula over atoms the analysis does not know (settings, unknown arguments).
 */
import type { Engine } from '../values/engine';
import type { PathState } from '../values/state';
import { atom, describe, evalFormula, noneAtomId, type Truth, type Value } from '../values/values';
import { keyText } from './containers';
import { hasDomain, truthOfCases } from './value-cases';

function settingAtom(lib: string, e: Engine): Truth {
  const installed = lib === 'flash_attn' ? e.settings.installed.flash_attn : lib === 'xformers' ? e.settings.installed.xformers : null;
  if (installed !== null) return { value: installed, why: `${lib} is ${installed ? '' : 'not '}installed (setting)` };
  return { f: atom(`installed:${lib}`, `${lib} is installed`) };
}

/**
 * `is_xformers_available()`, `is_flash_attn_2_available()` (diffusers', transformers' helpers): whether
 * the library is installed, by the name of the check, whatever its body does (it asks importlib). A
 * value (`cond`, or `bool` where the setting says); undefined for a function of any other name.
 */
export function availabilityCheck(functionName: string, e: Engine): Value | undefined {
  const lib = /^is_(xformers|flash_attn)(?:_\d+)?_available$/.exec(functionName)?.[1];
  return lib === undefined ? undefined : fromTruth(settingAtom(lib, e));
}

/** Whether `v` is None, as a truth. */
export function isNone(v: Value, text: string, e: Engine): Truth {
  switch (v.t) {
    case 'none': return { value: true, why: `\`${text}\` is None (${v.source})` };
    case 'ref': return v.optional ? negate(settingAtom(v.optional, e)) : { value: false, why: `\`${text}\` is imported` };
    case 'unknown': return { f: atom(noneAtomId(v), `${text} is None`) };
    case 'tensor': return { value: false, why: `\`${text}\` is ${describe(v)} (${v.origin})` };
    default: return { value: false, why: `\`${text}\` is ${describe(v)}` };
  }
}

export function truthOfValue(v: Value, text: string, e: Engine): Truth {
  switch (v.t) {
    case 'bool': return { value: v.value, why: v.why.startsWith('`') ? v.why : `\`${text}\` is ${v.value ? 'True' : 'False'} (${v.why})` };
    case 'cond': return { f: v.f };
    case 'none': return { value: false, why: `\`${text}\` is None (${v.source})` };
    case 'num': return { value: v.value !== 0, why: `\`${text}\` is ${v.value} (${v.source})` };
    case 'str': return { value: v.value.length > 0, why: `\`${text}\` is ${JSON.stringify(v.value)}` };
    case 'ref': return v.optional ? settingAtom(v.optional, e) : { value: true, why: `\`${text}\` is imported` };
    case 'unknown': return (hasDomain(v) ? truthOfCases(v) : undefined) ?? { f: atom(`truthy:${v.why}`, text) };
    case 'tensor': return { f: atom(`truthy:${text}`, text) };
    case 'tuple': return { value: v.items.length > 0, why: `\`${text}\` has ${v.items.length} items` };
    case 'dict': return { value: v.entries.length > 0, why: `\`${text}\` has ${v.entries.length === 0 ? 'no keys' : `keys ${v.entries.map(([k]) => keyText(k)).join(', ')}`}` };
    case 'many': return { f: atom(`truthy:${text}`, text) };
    default: return { value: true, why: `\`${text}\` is ${describe(v)}` };
  }
}

export function negate(t: Truth): Truth {
  return 'f' in t ? { f: { op: 'not', a: t.f } } : { value: !t.value, why: t.why };
}

export function combine(op: 'and' | 'or', a: Truth, b: Truth, aText: string, bText: string): Truth {
  const stop = op === 'and' ? false : true;
  if (!('f' in a) && a.value === stop) return { value: stop, why: explain(aText, a) };
  if (!('f' in b) && b.value === stop) return { value: stop, why: explain(bText, b) };
  if (!('f' in a) && !('f' in b)) return { value: !stop, why: `${explain(aText, a)}; ${explain(bText, b)}` };
  if (!('f' in a)) return b;
  if (!('f' in b)) return a;
  return { f: { op, a: a.f, b: b.f } };
}

function explain(text: string, t: { value: boolean; why: string }): string {
  return t.why.startsWith('`') ? t.why : `\`${text}\` is ${t.value ? 'true' : 'false'}: ${t.why}`;
}

/** Decide a truth on a path: true, false, or undefined when it hinges on atoms the path has not assumed. */
export function decide(t: Truth, st: PathState): boolean | undefined {
  return 'f' in t ? evalFormula(t.f, st.assume) : t.value;
}

export function fromTruth(t: Truth): Value {
  return 'f' in t ? { t: 'cond', f: t.f } : { t: 'bool', value: t.value, why: t.why };
}
