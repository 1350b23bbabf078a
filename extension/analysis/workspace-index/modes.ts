/**
 * Which path a function starts: training or inference, from what the code says about itself
 * (decorators, `.backward()`, KV caches, names). `null` when it says nothing. A module's top-level
 * code (a script) starts a training path when it calls `.backward()` itself.
 */
import type { Mode } from '../../../runtime/dispatch/facts';
import { fileMark } from '../syntax/file-labels';
import type { FunctionInfo } from './module-index';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';

export interface ModeClue {
  readonly mode: Mode;
  readonly source: string;
  /** Decorators (`@torch.no_grad()`) hold on every path; names and bodies only say how a path starts. */
  readonly binding: boolean;
}

const CLUES: readonly { readonly test: (fn: FunctionInfo, body: string) => boolean; readonly mode: Mode; readonly source: (fn: FunctionInfo) => string }[] = [
  { test: (_, body) => /\.backward\(/.test(body), mode: 'train', source: (fn) => `\`.backward()\` in ${fn.qualName}` },
  { test: (fn) => /train|(^|_)fit($|_)/i.test(fn.name), mode: 'train', source: (fn) => `the name \`${fn.name}\`` },
  // `valid`/`val`: PyTorch Lightning's `validation_step` (run under `model.eval()` and inference mode, like
  // `test_step` and `predict_step`) and a loop's `validate` / `val_step`.
  { test: (fn) => /sample|generat|infer|predict|decode|eval|test|valid|(^|_)val($|_)/i.test(fn.name), mode: 'infer', source: (fn) => `the name \`${fn.name}\`` },
  { test: (_, body) => /\b(kv_cache|past_key_values|use_cache\s*=\s*True)\b/.test(body), mode: 'infer', source: (fn) => `the KV cache in ${fn.qualName}` },
];

export function modeClue(fn: FunctionInfo): ModeClue | null {
  if (fn.name === '<module>') return scriptClue(fn);
  const decorator = fn.decorators.find((d) => /(^|\.)(no_grad|inference_mode)\b/.test(d));
  if (decorator) return { mode: 'infer', source: `@${decorator} on ${fn.qualName}`, binding: true };
  if (fn.name === 'forward' || fn.name === '__init__') return null;
  const body = fn.node ? textOf(fn.node) : '';
  for (const clue of CLUES) if (clue.test(fn, body)) return { mode: clue.mode, source: clue.source(fn), binding: false };
  return null;
}

/**
 * A script whose own statements (top level, loops, `if __name__ == "__main__":`, `with` blocks; not
 * the functions it defines) call `.backward()` — `loss.backward()`, `scaler.scale(loss).backward()`,
 * `accelerator.backward(loss)` — is a training loop. The file's name is no clue: it does not say
 * which path the statements are on, and a script's loop often lives in a function with clues of its own.
 */
function scriptClue(fn: FunctionInfo): ModeClue | null {
  if (!fn.body.some((stmt) => stmt.unit.called.includes('.backward') && backwardCall(stmt))) return null;
  return { mode: 'train', source: `\`.backward()\` at module level of ${fileMark(fn.path)}`, binding: false };
}

/** Whether `node` calls `.backward(…)` outside the functions, classes and lambdas it defines. */
function backwardCall(node: SyntaxNode): boolean {
  if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'decorated_definition' || node.type === 'lambda') return false;
  if (node.type === 'call') {
    const callee = field(node, 'function');
    const attr = callee?.type === 'attribute' ? field(callee, 'attribute') : undefined;
    if (attr && textOf(attr) === 'backward') return true;
  }
  return node.children.some(backwardCall);
}
