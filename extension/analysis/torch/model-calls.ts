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

function usedLikeModelOutput(call: SyntaxNode): boolean {
  let node = call;
  for (let up = parentOf(node); up && WITHIN_STATEMENT.has(up.type); up = parentOf(up)) node = up;
  return MODEL_OUTPUT_USE.test(textOf(node));
}

/** `calledText` is the callable as written (`self.model`, `net`); `call` the call. */
export function appliedLikeModel(calledText: string, args: CallArgs, call: SyntaxNode): boolean {
  if (args.positional.length === 0 && args.keywords.size === 0 && !args.moreKeywords) return false;
  return MODEL_NAME.test(calledText.split('.').pop()!) || args.positional.some((a) => isTensor(a.value)) || usedLikeModelOutput(call);
}
