/**
 * Inputs for the robustness test: seeded cuts of fixture files and seeded Python-ish token soups.
 * Everything is reproducible from a seed, so a failure names its input.
 */

export { prng as seededRandom } from '../../kernels/random-inputs';

/** `count` distinct cut offsets in (0, length), sorted; every offset when there are fewer. */
export function cutPoints(length: number, count: number, random: () => number): number[] {
  if (length - 1 <= count) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const cuts = new Set<number>();
  while (cuts.size < count) cuts.add(1 + Math.floor(random() * (length - 1)));
  return [...cuts].sort((a, b) => a - b);
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));

/** Tokens that make attention-looking code when shuffled: names the analysis looks for, and syntax. */
const TOKENS = [
  'def', 'class', 'if', 'elif', 'else', 'try', 'except', 'ImportError', 'with', 'as', 'return', 'import', 'from',
  'lambda', 'for', 'in', 'while', 'not', 'and', 'or', 'is', 'None', 'True', 'False', 'pass', 'yield', 'async', 'await',
  'self', 'q', 'k', 'v', 'x', 'attn_mask', 'attn_bias', 'mask', 'is_causal', 'causal', 'dropout_p', 'scale', 'training',
  'F', 'torch', 'nn', 'functional', 'scaled_dot_product_attention', 'flash_attn', 'flash_attn_func', 'flash_attn_varlen_func',
  'xformers', 'ops', 'xops', 'fmha', 'memory_efficient_attention', 'LowerTriangularMask', 'MultiheadAttention',
  'softmax', 'matmul', 'bmm', 'einsum', 'transpose', 'view', 'reshape', 'unbind', 'chunk', 'split', 'permute',
  'autocast', 'amp', 'cuda', 'no_grad', 'inference_mode', 'eval', 'train', 'forward', 'generate', 'backward',
  'float16', 'bfloat16', 'float32', 'half', 'float', 'double', 'to', 'dtype', 'type', 'hasattr', 'device_type',
  'nn.Module', 'F.scaled_dot_product_attention', 'torch.float16', 'torch.bfloat16', 'self.training', '.to', '.half()',
  'partial', 'functools', 'checkpoint', 'compile', 'DistributedDataParallel', 'baddbmm', 'where', 'map', 'mT', 'Sequential', 'ModuleList',
  'TransformerEncoderLayer', 'sdpa_kernel', 'SDPBackend', 'enable_flash_sdp', '*args', '**kwargs', 'for t in (q, k, v)',
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '=', '==', '!=', '@', '*', '/', '//', '+', '-', '**', '->', ';', '\\',
  '+=', '@=', '//=', '**=', '|=', '&=', '>>=', '%', '|', '&', '^', '<<', '>>', '~', ':=', '...', '0', '1', '-1', '64', '0.1', '1e-4', "'str'", '"s"', '"""doc"""', "f'{q}'", "b''", 'é', '𝔽',
  '\n', '\n', '\n', '\n    ', '\n        ', '\t', '\r\n', '    ',
];

export interface Soup {
  readonly text: string;
  /** Brackets that do not pair up: such a text cannot parse as Python. */
  readonly unbalanced: boolean;
}

/** One soup of 1 to `maxTokens` tokens joined by spaces (or nothing). */
export function tokenSoup(random: () => number, maxTokens: number): Soup {
  const n = 1 + Math.floor(random() * maxTokens);
  const tokens = Array.from({ length: n }, () => TOKENS[Math.floor(random() * TOKENS.length)]!);
  const text = tokens.map((t) => (random() < 0.7 ? `${t} ` : t)).join('');
  return { text, unbalanced: !bracketsBalance(tokens) };
}

function bracketsBalance(tokens: readonly string[]): boolean {
  const open: string[] = [];
  for (const token of tokens) {
    if (token in OPENERS) open.push(OPENERS[token]!);
    else if (CLOSERS.has(token) && open.pop() !== token) return false;
  }
  return open.length === 0;
}
