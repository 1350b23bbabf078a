/**
 * `len`, `sum`, `max` and `min` of a tuple whose items the code shows (`self.L = sum(pn ** 2 for pn
 * in self.patch_nums)`: VAR's token count, which xformers' bias alignment tests): a number.
 * Undefined for anything else (an iterable of unknown length, an item not a number, a `start=`).
 */
import type { CallArgs } from '../values/engine';
import { usedAsValue, type Value } from '../values/values';

const FOLDS: Readonly<Record<string, (ns: readonly number[]) => number>> = {
  sum: (ns) => ns.reduce((a, b) => a + b, 0),
  max: (ns) => Math.max(...ns),
  min: (ns) => Math.min(...ns),
};

export function numericBuiltin(name: string, args: CallArgs, written: string): Value | undefined {
  if (args.positional.length !== 1 || args.keywords.size > 0 || args.morePositional || args.moreKeywords) return undefined;
  const items = usedAsValue(args.positional[0]!.value);
  if (items.t !== 'tuple') return undefined;
  if (name === 'len') return { t: 'num', value: items.items.length, source: `\`${written}\``, int: true };
  const fold = Object.hasOwn(FOLDS, name) ? FOLDS[name] : undefined;
  const nums = items.items.map((v) => (v.t === 'num' ? v.value : undefined));
  if (!fold || nums.length === 0 || nums.some((n) => n === undefined)) return undefined;
  const ints = items.items.every((v) => v.t === 'num' && v.int);
  return { t: 'num', value: fold(nums as number[]), source: `\`${written}\``, ...(ints ? { int: true } : {}) };
}
