/**
 * flash-attn's padding helpers (`flash_attn.bert_padding`), which padding-free code calls around
 * `flash_attn_varlen_func`: they move tokens, never change a dtype, so q, k, v keep the dtype the
 * padded tensors had and the varlen call is judged on it.
 *
 * - `unpad_input(x, mask)`: `(x_unpad, indices, cu_seqlens, max_seqlen)`, and since flash-attn 2.7 a
 *   fifth item, `used_seqlens`: a tuple whose first four items are known (`opentuple`). `x_unpad`
 *   is `(total_nnz, …)`: x's dims after batch and length.
 * - `index_first_axis(x, indices)`: `(nnz, …)`, x's dims after the first.
 * - `pad_input(x, indices, batch, seqlen)`: `(batch, seqlen, …)`, x's dims after the first.
 */
import { arg, fileLine, type CallArgs } from '../values/engine';
import { dimOf } from './shapes';
import type { Frame } from '../values/state';
import type { SyntaxNode } from '../syntax/syntax';
import { isTensor, tensor, unknown, UNKNOWN, type Dim, type TensorValue, type Value } from '../values/values';

const MODULE = 'flash_attn.bert_padding.';

/** The value a padding helper's call gives; undefined when `name` is not one. */
export function paddingCall(name: string, args: CallArgs, fr: Frame, node: SyntaxNode): Value | undefined {
  if (!name.startsWith(MODULE)) return undefined;
  const fn = name.slice(MODULE.length);
  const x = args.positional[0]?.value;
  if (!x || !isTensor(x)) return undefined;
  const where = `\`${fn}\` at ${fileLine(fr, node)}`;
  /** x's tokens moved: its first `drop` dims replaced by `lead`. */
  const tokens = (drop: number, lead: readonly Dim[]): TensorValue =>
    tensor(x.dtype, where, { shape: x.shape && x.shape.length >= drop ? [...lead, ...x.shape.slice(drop)] : undefined, param: x.param });
  const total: Dim = { value: null, role: null, source: `the tokens ${fn} keeps` };
  if (fn === 'index_first_axis') return tokens(1, [total]);
  if (fn === 'pad_input') {
    const [batch, seqlen] = [arg(args, 2, 'batch'), arg(args, 3, 'seqlen')];
    return batch && seqlen ? tokens(1, [dimOf(batch.value, batch.node), dimOf(seqlen.value, seqlen.node)]) : tensor(x.dtype, where);
  }
  if (fn !== 'unpad_input') return undefined;
  const integers = (what: string): TensorValue => tensor(unknown(`an integer tensor (${what})`), where);
  return {
    t: 'opentuple',
    items: [tokens(2, [total]), integers('the indices of the kept tokens'), integers('cu_seqlens'), UNKNOWN(`the longest sequence (${where})`)],
    why: 'unpad_input returns 4 items before flash-attn 2.7 and 5 from 2.7 on',
  };
}
