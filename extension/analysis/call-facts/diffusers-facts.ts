/**
 * What decides a diffusers `dispatch_attention_fn` call beyond its q, k, v: the backend (its `backend=`,
 * else the active one on its path, else the default), whether diffusers checked that backend's package
 * where it set it, and the dims its `_check_shape` compares (attention_dispatch.py at diffusers 58eb52c0).
 */
import type { DiffusersDispatch, Fact } from '../../../runtime/dispatch/facts';
import { backendOf, DEFAULT_DIFFUSERS_BACKEND } from '../values/diffusers-backends';
import type { Observation } from '../values/state';
import { textOf } from '../syntax/syntax';
import { joinFact, known, unknown, type Dim, type Value } from '../values/values';

/** A dim counted from the end (`shape[-1]` is 1), where the code shows it: the last dim is known even where the rank is not. */
function fromEnd(v: Value | undefined, i: number, what: string): Fact<number> {
  const shape = v?.t === 'tensor' ? v.shape : undefined;
  const d: Dim | undefined = shape ? shape[shape.length - i] : i === 1 && v?.t === 'tensor' ? v.lastDim : undefined;
  if (!d) return unknown(what);
  return d.value !== null ? known(d.value, d.source) : unknown(d.source);
}

export function diffusersFacts(o: Observation): DiffusersDispatch {
  const given = o.args.diffusersBackend;
  const text = given?.node ? textOf(given.node) : undefined;
  const written = given && backendOf(given.value, text ? `backend=${text}` : 'backend', false, text);
  const active = o.ctx.diffusersBackend;
  const backend = written ?? active ?? DEFAULT_DIFFUSERS_BACKEND;
  // `attention_backend(…)` and `set_attention_backend(…)`, which set the active backend, check its package.
  const checked = written ? known(false, `${backend.known ? backend.source : 'backend='} is passed to dispatch_attention_fn, which does not check the backend's package`)
    : active ? known(true, `${active.known ? active.source : 'the statement that sets the backend'} checks the backend's package`)
      : known(false, DEFAULT_DIFFUSERS_BACKEND.source);
  const [k, v] = [o.args.k?.value, o.args.v?.value];
  return {
    backend, checked,
    keyHeadDim: fromEnd(k, 1, 'the head size of k'), keyLength: fromEnd(k, 3, 'the key length'), valueLength: fromEnd(v, 3, 'the value length'),
  };
}

/** The facts of two paths: each joins. */
export function joinDiffusers(a: DiffusersDispatch, b: DiffusersDispatch): DiffusersDispatch {
  const dim = (x: Fact<number> | undefined, y: Fact<number> | undefined): Fact<number> | undefined => (x && y ? joinFact(x, y) : undefined);
  const [keyHeadDim, keyLength, valueLength] = [dim(a.keyHeadDim, b.keyHeadDim), dim(a.keyLength, b.keyLength), dim(a.valueLength, b.valueLength)];
  return {
    backend: joinFact(a.backend, b.backend), checked: joinFact(a.checked, b.checked),
    ...(keyHeadDim ? { keyHeadDim } : {}), ...(keyLength ? { keyLength } : {}), ...(valueLength ? { valueLength } : {}),
  };
}
