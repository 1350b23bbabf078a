/**
 * Layers of a class the files leave open, named for their role: `self.norm1 = norm_layer(dim)`,
 * `self.act = act_layer()`, `self.pool(x)`, where the class is a constructor argument its callers
 * pass from outside the files (timm-style models take `norm_layer` through `**kwargs` from a
 * registry). Whatever the class, a normalisation or an activation keeps its input's shape and,
 * outside autocast, its dtype (it computes in the dtype of the model it belongs to, which the input
 * has); a pooling or downsampling layer keeps the dtype alike, not the shape. Under autocast torch's
 * norms give float32 and other layers the autocast dtype, so the dtype stays open there: the
 * difference is the one that breaks a flash call after a q/k norm. Taken on assumption, said in the
 * dtype's source; a callee whose name says no such role stays unknown.
 */
import { fileLine, type CallArgs } from '../values/engine';
import type { Frame, PathState } from '../values/state';
import { field, textOf, type SyntaxNode } from '../syntax/syntax';
import { autocastCastable } from '../../../runtime/dispatch/facts';
import { isTensor, known, tensor, unknown, type Value } from '../values/values';

export const OPEN_LAYER = 'OpenLayer';
/** A pooling or downsampling layer of open class: as OPEN_LAYER, but its spatial dims change. */
export const OPEN_POOL = 'OpenPool';

/** The last name of a callee (`self.norm_layer` → `norm_layer`), as its role reads. */
function roleName(calleeText: string): string {
  return (calleeText.split('.').pop() ?? '').toLowerCase();
}

/** `norm_layer`, `qk_norm`, `norm`, `act_layer`, `activation`, `act_fn`: names of a norm or an activation. */
const ROLE = /norm|^(act|activation)(_?(layer|fn|cls|func))?$/;
/** `self.pool`, `q_pool`, `pool_layer`, `downsample`: names of a pooling or downsampling layer. */
const POOL_ROLE = /pool|^downsample/;

/**
 * `norm_layer(dim)` or `self.norm(x)` with the callee unknown: a layer of open class built, or
 * applied to a tensor; undefined where the callee's name says no such role or the analysis budget,
 * not the code, left it unknown.
 */
export function openLayerCall(callee: Value & { t: 'unknown' }, args: CallArgs, st: PathState, fr: Frame, node: SyntaxNode): Value | undefined {
  const calleeText = textOf(field(node, 'function') ?? node);
  const role = roleName(calleeText);
  const kind = ROLE.test(role) ? OPEN_LAYER : POOL_ROLE.test(role) ? OPEN_POOL : undefined;
  if (!kind || callee.why.includes('analysis budget')) return undefined;
  const origin = `\`${calleeText}(…)\` at ${fileLine(fr, node)}`;
  const first = args.positional[0]?.value;
  if (first && isTensor(first)) return openLayerOutput(first, origin, st, kind);
  return { t: 'torchmod', kind, args: {}, origin };
}

const OPEN_CLASS = 'a layer of a class the files leave open keeps its input\'s dtype';

/**
 * What a layer of open class gives on `input`: outside autocast its dtype (on `assumption`), and a
 * norm's or an activation's its shape (a pool's spatial dims change: not kept).
 */
export function openLayerOutput(input: Value, origin: string, st: PathState, kind = OPEN_LAYER, assumption = OPEN_CLASS): Value {
  if (!isTensor(input)) return unknownResult(origin);
  const autocast = st.ctx.autocast;
  const layers = (ac: string): string => (kind === OPEN_POOL ? `its input's dtype for a pool, ${ac} for a convolution` : `float32 for torch's norms, ${ac} for other layers`);
  const dtype = !autocast.known
    ? unknown(`whether autocast is on where ${origin} runs`)
    : autocast.value !== null
      ? autocastCastable(`the dtype ${origin} gives under ${autocast.value} autocast (${layers(autocast.value)})`)
      : input.dtype.known
        ? known(input.dtype.value, `${input.dtype.source}, kept by ${origin} (assumed: ${assumption})`)
        : input.dtype;
  return tensor(dtype, `${origin} call`, kind === OPEN_POOL ? {} : { shape: input.shape, lastDim: input.lastDim });
}

function unknownResult(origin: string): Value {
  return { t: 'unknown', why: `the result of ${origin}` };
}
