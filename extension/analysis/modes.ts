/**
 * Which path a function starts: training or inference, from what the code says about itself
 * (decorators, `.backward()`, KV caches, names). `null` when it says nothing.
 */
import type { Mode } from '../../runtime/dispatch/facts';
import type { FunctionInfo } from './module-index';
import { textOf } from './syntax';

export interface ModeClue {
  readonly mode: Mode;
  readonly source: string;
  /** Decorators (`@torch.no_grad()`) hold on every path; names and bodies only say how a path starts. */
  readonly binding: boolean;
}

const CLUES: readonly { readonly test: (fn: FunctionInfo, body: string) => boolean; readonly mode: Mode; readonly source: (fn: FunctionInfo) => string }[] = [
  { test: (_, body) => /\.backward\(/.test(body), mode: 'train', source: (fn) => `\`.backward()\` in ${fn.qualName}` },
  { test: (fn) => /train|(^|_)fit($|_)/i.test(fn.name), mode: 'train', source: (fn) => `the name \`${fn.name}\`` },
  { test: (fn) => /sample|generat|infer|predict|decode|eval|test/i.test(fn.name), mode: 'infer', source: (fn) => `the name \`${fn.name}\`` },
  { test: (_, body) => /\b(kv_cache|past_key_values|use_cache\s*=\s*True)\b/.test(body), mode: 'infer', source: (fn) => `the KV cache in ${fn.qualName}` },
];

export function modeClue(fn: FunctionInfo): ModeClue | null {
  const decorator = fn.decorators.find((d) => /(^|\.)(no_grad|inference_mode)\b/.test(d));
  if (decorator) return { mode: 'infer', source: `@${decorator} on ${fn.qualName}`, binding: true };
  if (fn.name === 'forward' || fn.name === '__init__') return null;
  const body = fn.node ? textOf(fn.node) : '';
  for (const clue of CLUES) if (clue.test(fn, body)) return { mode: clue.mode, source: clue.source(fn), binding: false };
  return null;
}
