/**
 * A model loaded only to copy its weights (nanoGPT's `from_pretrained` reads `model_hf.state_dict()`
 * into its own GPT): it never runs, so the attention it was configured with runs nowhere.
 */
import { field, namedChildren, parentOf, textOf, type SyntaxNode } from '../syntax/syntax';

/** What reading weights or the configuration of a model takes from it, without running it. */
const WEIGHT_READS = new Set(['state_dict', 'named_parameters', 'parameters', 'named_buffers', 'buffers', 'config']);

/**
 * Whether `load` (`model_hf = X.from_pretrained(…)`) binds a name that the function containing it
 * uses only to read weights or the config (`model_hf.state_dict()`, `model_hf.config`), or not at all.
 */
export function loadedForWeightsOnly(load: SyntaxNode): boolean {
  const assignment = parentOf(load);
  const target = assignment?.type === 'assignment' && field(assignment, 'right') === load ? field(assignment, 'left') : undefined;
  if (target?.type !== 'identifier') return false;
  const name = textOf(target);
  let scope: SyntaxNode | undefined = assignment;
  while (scope && scope.type !== 'function_definition') scope = parentOf(scope);
  const body = scope && field(scope, 'body');
  return body !== undefined && usesOnlyReadWeights(body, name, target);
}

function usesOnlyReadWeights(node: SyntaxNode, name: string, binding: SyntaxNode, parent?: SyntaxNode): boolean {
  if (node.type === 'identifier' && textOf(node) === name && node !== binding) {
    return parent?.type === 'attribute' && field(parent, 'object') === node && WEIGHT_READS.has(textOf(field(parent, 'attribute')!));
  }
  // A nested function or class may bind the name anew: what it does there is not this model.
  if (node !== binding && (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda')) return true;
  return namedChildren(node).every((child) => usesOnlyReadWeights(child, name, binding, node));
}
