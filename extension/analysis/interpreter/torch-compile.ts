/**
 * `torch.compile`: `torch.compile(model_or_fn)` gives back a callable that runs it compiled, and
 * `@torch.compile` / `@torch.compile(…)` compiles the function it decorates. Calls made inside run
 * with `Ctx.compiled` set, which FlexAttention needs to be fused (rules/flex-attention.ts).
 */
import { fileLine, type CallArgs, type Engine } from '../values/engine';
import type { Frame, PathState } from '../values/state';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import type { Value } from '../values/values';
import { evaluate } from './evaluate';

const TORCH_COMPILE = 'torch.compile';

/** `torch.compile(x, …)`: `x` run compiled; undefined for any other call, or one with nothing to compile. */
export function compiledCall(name: string, args: CallArgs, fr: Frame, node: SyntaxNode): Value | undefined {
  const target = name === TORCH_COMPILE ? args.positional[0]?.value ?? args.keywords.get('model')?.value : undefined;
  if (!target) return undefined;
  const where = `\`${textOf(node)}\` at ${fileLine(fr, node)}`;
  return { t: 'prepared', module: target, region: { t: 'context', compiled: where }, by: `compiled by ${where}` };
}

/** Where a `@torch.compile` or `@torch.compile(…)` among `decorators` compiles the function; undefined when none does. */
export function compilingDecorator(decorators: readonly SyntaxNode[], st: PathState, fr: Frame, e: Engine): string | undefined {
  const compiling = decorators.find((d) => {
    const callee = evaluate(d.type === 'call' ? field(d, 'function')! : d, st, fr, e);
    return callee.t === 'ref' && callee.name === TORCH_COMPILE;
  });
  return compiling && `\`@${textOf(compiling)}\` at ${fileLine(fr, compiling)}`;
}
