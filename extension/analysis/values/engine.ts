/** What expression evaluation needs from the workspace interpreter, and small shared helpers. */
import type { AnalysisSettings } from '../report';
import type { Frame, Observation, PathState } from './state';
import { type SyntaxNode } from '../syntax/syntax';
import { fileMark } from '../syntax/file-labels';
import { lineMark } from '../syntax/positions';
import { usedAsValue, type Value } from './values';

/** One argument: its value and syntax; `unpacked` when it came out of `*xs` / `**kw` (the node is then the splat). */
export interface CallArg {
  readonly value: Value;
  readonly node: SyntaxNode;
  readonly unpacked?: true;
}

/** Arguments of a call: evaluated values with their syntax. */
export interface CallArgs {
  readonly positional: readonly CallArg[];
  readonly keywords: ReadonlyMap<string, CallArg>;
  /**
   * `*xs` whose items are not known one by one: more positional arguments, how many unknown — `many`
   * of their item, or unknown. Positional arguments written after it count among them.
   */
  readonly morePositional?: Value;
  /** `**kw` whose keys are not known: any keyword may be passed besides `keywords`. */
  readonly moreKeywords?: Value;
  /** An entry point analysed without a caller: parameters take their defaults, `*args` / `**kwargs` are unknown. */
  readonly noCaller?: true;
}

/** What the evaluator needs from the workspace interpreter. */
export interface Engine {
  readonly settings: AnalysisSettings;
  global(name: string, fr: Frame): Value | undefined;
  /** Call a workspace function, class or instance; undefined when `callee` is none of those. */
  callWorkspace(callee: Value, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined;
  attribute(obj: Value, name: string, st: PathState): Value | undefined;
  /** Why `obj` provably has no attribute `name` (`getattr(obj, 'name', default)`), or undefined when it may have one. */
  absentAttribute(obj: Value, name: string, st: PathState): string | undefined;
  /**
   * An attribute the constructor leaves unset that a method of the class sets to a torch module
   * (`self.to_qkv = nn.Linear(…)` in `fuse_projections`): that module, its sizes open.
   */
  moduleSetByMethod(obj: Value, name: string): Value | undefined;
  /** `super().name` inside a method: the base class' method bound to the same instance. */
  superMethod(fr: Frame, name: string): Value | undefined;
  observe(obs: Observation): void;
  /**
   * A call in driver code (not a module's own method) of a module whose class the code does not show
   * (`model: nn.Module`, `self.model(x)` with `self.model` unknown): it may run any forward on this path.
   */
  unresolvedModuleCall(st: PathState, fr: Frame, what: string): void;
}

/**
 * `model.py:41`: where a fact came from, for messages (the file as a mark resolved to its label when a
 * report is read, `fileMark`; the line as a mark, see `lineMark`).
 */
export function fileLine(fr: Frame, node: SyntaxNode): string {
  return `${fileMark(fr.fn.path)}:${lineMark(node)}`;
}

/** A call argument given by keyword or at its position. */
export function arg(args: CallArgs, index: number, name: string): CallArg | undefined {
  return args.keywords.get(name) ?? args.positional[index];
}

/**
 * A library layer's or tensor function's arguments with its input (the first positional) as used:
 * where it is None or a tensor (an optional input), the tensor, as None would raise there.
 */
export function inputUsed(args: CallArgs): CallArgs {
  const first = args.positional[0];
  if (!first || usedAsValue(first.value) === first.value) return args;
  return { ...args, positional: [{ ...first, value: usedAsValue(first.value) }, ...args.positional.slice(1)] };
}
