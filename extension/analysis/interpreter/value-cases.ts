/**
 * An unknown with a few values the code allows (`assert attn_mode in self.ATTENTION_MODES`,
 * `Literal["torch", "xformers"]`; its `domain`): each value is a case, an atom of which exactly one
 * holds. A condition on it (`==`, `!=`, `in`, truthiness) is then a formula over those atoms, and a
 * path that forks on one takes one value (statements.ts), so a verdict can be given per value.
 */
import { registerCaseGroup } from '../values/assumptions';
import { describe, equal, sameValue, valueKey, type CaseAtom, type Domain, type Formula, type Truth, type Value } from '../values/values';

export type WithDomain = Value & { readonly t: 'unknown'; readonly domain: Domain };

export function hasDomain(v: Value): v is WithDomain {
  return v.t === 'unknown' && v.domain !== undefined;
}

/** The atoms of the unknown's values, in the domain's order. */
function caseAtoms(v: WithDomain): CaseAtom[] {
  const atoms = v.domain.values.map((value) => ({ id: `case:${v.why}=${valueKey(value)}`, text: `${v.domain.name} is ${describe(value)} (${v.domain.origin})` }));
  registerCaseGroup(atoms.map((a) => a.text));
  return atoms;
}

/**
 * Whether the unknown is one of the values `matches` picks, as a truth: decided where it picks none
 * or all, else the atoms of those it picks. Undefined where `matches` cannot tell for some value.
 */
function picking(v: WithDomain, matches: (value: Value) => boolean | undefined): Truth | undefined {
  const picked = v.domain.values.map(matches);
  if (picked.some((p) => p === undefined)) return undefined;
  const values = `${v.domain.name} is one of ${v.domain.values.map(describe).join(', ')} (${v.why})`;
  if (picked.every((p) => !p)) return { value: false, why: values };
  if (picked.every((p) => p)) return { value: true, why: values };
  const atoms = caseAtoms(v);
  const formulas = atoms.filter((_, i) => picked[i]).map((a): Formula => ({ op: 'atom', id: a.id, text: a.text, cases: atoms }));
  return { f: formulas.reduce((a, b) => ({ op: 'or', a, b })) };
}

/** `v == other` for an unknown with a domain; undefined where a value's equality to `other` is not known. */
export function equalsCase(v: WithDomain, other: Value): Truth | undefined {
  return picking(v, (value) => equal(value, other));
}

/** `v in items` for an unknown with a domain. */
export function amongItems(v: WithDomain, items: readonly Value[]): Truth | undefined {
  return picking(v, (value) => {
    const eq = items.map((item) => equal(value, item));
    return eq.some((e) => e === true) ? true : eq.every((e) => e === false) ? false : undefined;
  });
}

/** The truthiness of an unknown with a domain. */
export function truthOfCases(v: WithDomain): Truth | undefined {
  return picking(v, truthy);
}

function truthy(value: Value): boolean | undefined {
  switch (value.t) {
    case 'str': return value.value.length > 0;
    case 'num': return value.value !== 0;
    case 'bool': return value.value;
    case 'none': return false;
    default: return undefined;
  }
}

/**
 * `d[key]` for a key with a domain, each value a key of `d` (`self.ATTENTION_MODES[attn_mode]`): the
 * entry each case picks, with the condition that picks it, so a path that settled the case calls its
 * entry only. Undefined where some value is no key of `d`.
 */
export function entryPerCase(entries: readonly (readonly [string, Value])[], key: WithDomain, why: string): Value | undefined {
  const options: Value[] = [];
  const when: Formula[] = [];
  for (const value of key.domain.values) {
    const entry = value.t === 'str' ? entries.find(([k]) => k === value.value)?.[1] : undefined;
    const picks = entry && equalsCase(key, value);
    if (!entry || !picks) return undefined;
    if (!('f' in picks)) return entry; // the one value there is
    const at = options.findIndex((o) => sameValue(o, entry));
    if (at < 0) { options.push(entry); when.push(picks.f); } else when[at] = { op: 'or', a: when[at]!, b: picks.f };
  }
  return options.length === 1 ? options[0] : { t: 'choice', options, why, when };
}
