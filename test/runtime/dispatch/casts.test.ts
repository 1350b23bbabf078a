import assert from 'node:assert/strict';
import { adviceFor, castsTo, castTarget, type Dtypes } from '../../../runtime/dispatch/casts';
import { DTYPES, type Dtype } from '../../../runtime/dispatch/facts';

describe('dispatch: casts', () => {
  const LOW: Dtype[] = ['float16', 'bfloat16'];
  const targets: [string, Dtypes, readonly Dtype[], Dtype][] = [
    ['the low-precision dtype present', { q: 'float32', k: 'float32', v: 'float16' }, LOW, 'float16'],
    ['bfloat16 when that is the one present', { q: 'bfloat16', k: 'float32', v: 'float32' }, LOW, 'bfloat16'],
    ['the one more tensors have on a float16/bfloat16 tie', { q: 'bfloat16', k: 'float16', v: 'bfloat16' }, LOW, 'bfloat16'],
    ['the fallback when none is accepted', { q: 'float32', k: 'float32', v: 'float64' }, LOW, 'bfloat16'],
    ['the lowest precision the library accepts', { q: 'float64', k: 'float32', v: 'float32' }, DTYPES, 'float32'],
  ];
  for (const [name, dtypes, accepted, want] of targets) {
    it(`targets ${name}`, () => assert.equal(castTarget(dtypes, accepted, 'bfloat16'), want));
  }

  it('casts only what differs, bias included', () => assert.deepEqual(
    castsTo({ q: 'float32', k: 'float16', v: 'float16', bias: 'float32' }, 'float16'),
    [{ tensor: 'q', from: 'float32', to: 'float16' }, { tensor: 'bias', from: 'float32', to: 'float16' }]));

  it('says which dtype and why', () => {
    const dtypes: Dtypes = { q: 'float32', k: 'float64', v: 'float16' };
    assert.equal(adviceFor(castsTo(dtypes, 'float16'), 'float16', dtypes),
      'cast q from float32 and k from float64 to float16 (the dtype v has) right before the call');
  });

  it('says when no input has the target dtype yet', () => {
    const dtypes: Dtypes = { q: 'float32', k: 'float32', v: 'float32' };
    assert.equal(adviceFor(castsTo(dtypes, 'bfloat16'), 'bfloat16', dtypes),
      'cast q, k, v from float32 to bfloat16 (the dtype the library needs) right before the call');
  });
});
