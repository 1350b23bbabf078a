/**
 * Python lists and dicts the code builds and changes in place (`kw.get`, `kw.pop`, `xs.append`,
 * `d[k] = v`), as far as they hold values the analysis follows: modules, keyword arguments.
 */
import type { CallArgs } from '../values/engine';
import type { PathState } from '../values/state';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import { choiceOf, join, UNKNOWN, type Value } from '../values/values';
import { entryPerCase, hasDomain } from './value-cases';

/**
 * A dict key as the analysis keeps it: a string as it is; a library constant (`SDPBackend.MATH`, as
 * PyTorch's SDPA tutorial keys its table of `sdp_kernel` flags) by its name, marked so that no string
 * equals it. Undefined for a key it does not follow.
 */
export function dictKey(key: Value): string | undefined {
  return key.t === 'str' ? key.value : key.t === 'ref' ? `${REF_KEY}${key.name}` : undefined;
}

/** A kept key back as a value: a string, or the library constant it names. */
export function keyValue(key: string): Value {
  return key.startsWith(REF_KEY) ? { t: 'ref', name: key.slice(REF_KEY.length) } : { t: 'str', value: key };
}

/** A kept key in words: the string, or the constant's name. */
export function keyText(key: string): string {
  return isStringKey(key) ? key : key.slice(REF_KEY.length);
}

/** Whether a key is a string (keyword names, `**d`, take only those). */
export function isStringKey(key: string): boolean {
  return !key.startsWith(REF_KEY);
}

const REF_KEY = '\u0000ref:';

/**
 * `d[key]` of a known dict: its entry; unknown when the key is not a known string (with what an
 * unknown key depends on), except in a dict of callables (backends by name), where an unknown key
 * may pick any of them: one of its entries, each called where it is called.
 */
export function dictEntry(d: Value & { t: 'dict' }, key: Value, text: string): Value {
  const perCase = hasDomain(key) ? entryPerCase(d.entries, key, `\`${text}\` (${key.why})`) : undefined;
  if (perCase) return perCase;
  if (key.t === 'unknown') return choiceOf(d.entries.map(([, v]) => v), `\`${text}\` (${key.why})`) ?? key; // the entry depends on what the key does
  const wanted = dictKey(key);
  const entry = wanted !== undefined ? d.entries.find(([k]) => k === wanted) : undefined;
  return entry ? entry[1] : UNKNOWN(`\`${text}\``);
}

/** Methods that change a list or dict in place. */
export const MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'update', 'setdefault', 'popitem']);

/** A name (or `self.x`) now holds `v`: a list or dict changed in place. */
function rebind(target: SyntaxNode, v: Value, st: PathState): void {
  const obj = target.type === 'attribute' ? field(target, 'object') : undefined;
  if (target.type !== 'identifier' && obj?.type !== 'identifier') return;
  st.env.set(textOf(target), v);
  if (obj && textOf(obj) === 'self') st.selfAttrs.set(textOf(field(target, 'attribute')!), v);
}

/**
 * `kw.get(k, d)` / `kw.pop(k, d)` on a known dict, `xs.append(m)` / `xs.extend(ms)` on a list. A list
 * of known items appended to outside any loop keeps them in order (`self.net.append(act)`, then
 * `self.net.append(nn.Linear(…))`: a loop over it runs each); in a loop (`repeats`: walked once, run
 * any number of times), or already of any length, it holds any number of such items. Any other change
 * in place makes the name unknown.
 */
export function containerMethod(obj: Value & { t: 'dict' | 'tuple' | 'many' }, method: string, objNode: SyntaxNode, args: CallArgs, st: PathState, node: SyntaxNode,
  repeats: boolean): Value | undefined {
  const first = args.positional[0]?.value;
  const changed = UNKNOWN(`\`${textOf(objNode)}\` after \`.${method}()\``);
  if (obj.t === 'dict' && (method === 'get' || method === 'pop') && first) {
    const key = dictKey(first);
    if (method === 'pop') rebind(objNode, key !== undefined ? { t: 'dict', entries: obj.entries.filter(([k]) => k !== key) } : changed, st);
    const entry = dictEntry(obj, first, textOf(node));
    const absent = key !== undefined && !obj.entries.some(([k]) => k === key);
    return !absent ? entry : args.positional[1]?.value ?? (method === 'get' ? { t: 'none', source: `\`${textOf(node)}\`: no such key` } : entry);
  }
  if (!MUTATORS.has(method)) return undefined;
  const added = obj.t === 'dict' || !first ? undefined
    : method === 'append' ? [first] : method === 'extend' && first.t === 'tuple' ? first.items : method === 'extend' && first.t === 'many' ? [first.item] : undefined;
  const had = obj.t === 'tuple' ? obj.items : obj.t === 'many' ? [obj.item] : [];
  const items = added ? [...had, ...added] : undefined;
  // An empty list extended by an empty one (`layers = []; layers.extend([])`) is still empty.
  const ordered = obj.t === 'tuple' && !repeats && (method === 'append' || first?.t === 'tuple');
  rebind(objNode, !items ? changed : items.length === 0 ? obj : ordered ? { t: 'tuple', items } : { t: 'many', item: items.reduce(join) }, st);
  return { t: 'none', source: `\`.${method}()\`` };
}

/** `obj[key] = v` with both evaluated: a known dict gets the entry; any other container becomes unknown. */
export function setItem(objNode: SyntaxNode, targetText: string, obj: Value, key: Value, v: Value, st: PathState): void {
  if (obj.t !== 'dict' && obj.t !== 'tuple' && obj.t !== 'many') return;
  const kept = dictKey(key);
  rebind(objNode, obj.t === 'dict' && kept !== undefined
    ? { t: 'dict', entries: [...obj.entries.filter(([k]) => k !== kept), [kept, v]] }
    : UNKNOWN(`\`${textOf(objNode)}\` after \`${targetText} = …\``), st);
}
