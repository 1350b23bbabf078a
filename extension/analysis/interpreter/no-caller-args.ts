/**
 * The arguments of an instance built with no caller (a method run as an entry point, a parameter
 * annotated with its class): each parameter with a default is that default, unless some call of the
 * class in the files passes it (a builder's value may differ) or a config may build the class
 * (config-built.ts): then it is unknown, saying where it may come from, and where the constructor
 * lists the values it allows (parameter-domains.ts), one of those, each a case (value-cases.ts).
 */
import type { CallArg, CallArgs } from '../values/engine';
import type { Param } from '../workspace-index/module-index';
import type { Constant } from '../workspace-index/parameter-domains';
import type { SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';

export interface NoCallerInputs {
  readonly className: string;
  /** The constructor's parameters, `self` left out. */
  readonly params: readonly Param[];
  /** Per parameter some call passes: where (`` `Net(use_flash=cfg.flash)` at build.py:12 ``), and the call. */
  readonly passed: ReadonlyMap<string, { readonly where: string; readonly call: SyntaxNode }>;
  /** Where a config may build the class (`` `get_obj_from_str` at util.py:185 ``), if it may. */
  readonly configBuilder: string | undefined;
  /** Per parameter, the values the constructor allows. */
  readonly domains: ReadonlyMap<string, readonly Constant[]>;
}

/** The arguments, and their words: the parameters not taken as their defaults, with where from and their values. */
export function noCallerArgs(inputs: NoCallerInputs): { readonly args: CallArgs; readonly words: string } {
  const { className, params, passed, configBuilder, domains } = inputs;
  const keywords = new Map<string, CallArg>();
  const words: string[] = [];
  for (const p of params) {
    if (!p.default || p.marker || p.collects) continue;
    const by = passed.get(p.name);
    if (!by && configBuilder === undefined) continue;
    const why = by ? `the argument \`${p.name}\` of ${className}, which ${by.where} passes`
      : `the argument \`${p.name}\` of ${className}, which a config may set (${configBuilder} builds classes by name)`;
    const allowed = domains.get(p.name);
    const domain = allowed && {
      name: `\`${p.name}\` of ${className}`,
      origin: by ? `${by.where} passes it` : `a config may set it: ${configBuilder}`,
      values: allowed.map((c) => constantValue(c, p.name)),
    };
    const value: Value = domain ? { t: 'unknown', why, domain } : { t: 'unknown', why };
    keywords.set(p.name, { value, node: by?.call ?? p.default });
    words.push(`${p.name} ${by?.where ?? `config ${configBuilder}`}${allowed ? ` in ${JSON.stringify(allowed)}` : ''}`);
  }
  return { args: { positional: [], keywords }, words: words.join('|') };
}

function constantValue(c: Constant, param: string): Value {
  const source = `one of the values of \`${param}\` its constructor allows`;
  if (c === null) return { t: 'none', source };
  if (typeof c === 'string') return { t: 'str', value: c };
  if (typeof c === 'boolean') return { t: 'bool', value: c, why: source };
  return Number.isInteger(c) ? { t: 'num', value: c, source, int: true } : { t: 'num', value: c, source };
}
