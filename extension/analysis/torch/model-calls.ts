/**
 * Whether a call of a callable the code does not resolve is applied like a model (`model(batch)`,
 * `self.net(x)`, `logits = classifier(images)`): only then may it stand for a workspace module's
 * forward. A weight initialiser (`norm_cdf(x)`), a predicate (`filter_fn(name, module)`) or a
 * tokenizer setter is not, and what reaches the attention calls must not hinge on them.
 */
import type { CallArgs } from '../values/engine';
import { isTensor } from '../values/values';
import { parentOf, textOf, type SyntaxNode } from '../syntax/syntax';

/** The last part of a callable's name that says it is a model (`model`, `self.net`, `ema_unet`, `text_encoder`). */
const MODEL_NAME = /(^|_)(model|net|network|module|encoder|decoder|backbone|transformer|unet|vae|policy|classifier|ddp)s?$/i;

/** What the statement around a call does with a model's output: a loss, logits, a backward pass. */
const MODEL_OUTPUT_USE = /\.backward\(|\b(loss|losses|logits|outputs?|preds?|predictions)\b/;

/** Expressions a call's result flows through within its statement (`model(x).sum().backward()`, `loss = model(x)`). */
const WITHIN_STATEMENT = new Set(['attribute', 'call', 'subscript', 'argument_list', 'assignment', 'augmented_assignment', 'binary_operator', 'pattern_list', 'expression_list']);

/** String literals, whose words (`log("output …")`) say nothing of what the code does. */
const STRING_LITERAL = /(["'])(?:\\.|(?!\1).)*\1/g;

function usedLikeModelOutput(call: SyntaxNode): boolean {
  let node = call;
  for (let up = parentOf(node); up && WITHIN_STATEMENT.has(up.type); up = parentOf(up)) node = up;
  return MODEL_OUTPUT_USE.test(textOf(node).replace(STRING_LITERAL, "''"));
}

/**
 * Whether calling the library name `qualified` with `args` makes an object of that library (a transform,
 * a tokenizer), never a workspace module: a class (capitalised) handed nothing that is a module or named
 * like a model (an EMA or a parallel wrapper takes the model, and calling it calls that model).
 */
export function makesLibraryObject(qualified: string, args: CallArgs): boolean {
  if (!/^[A-Z]/.test(qualified.split('.').pop()!)) return false;
  const given = [...args.positional, ...args.keywords.values()];
  return !args.morePositional && !args.moreKeywords
    && !given.some((a) => a.value.t === 'instance' || a.value.t === 'torchmod' || a.value.t === 'prepared' || a.value.t === 'choice' || MODEL_NAME.test(textOf(a.node).split('.').pop()!));
}

/** `calledText` is the callable as written (`self.model`, `net`); `call` the call. */
export function appliedLikeModel(calledText: string, args: CallArgs, call: SyntaxNode): boolean {
  if (args.positional.length === 0 && args.keywords.size === 0 && !args.moreKeywords) return false;
  return MODEL_NAME.test(calledText.split('.').pop()!) || args.positional.some((a) => isTensor(a.value)) || usedLikeModelOutput(call);
}
