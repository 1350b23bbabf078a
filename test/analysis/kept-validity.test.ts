/**
 * The index of kept effects (kept-validity.ts): what read a statement that is gone, or resolved an id
 * to another definition, is invalid with everything that holds it; the rest stays valid.
 */
import * as assert from 'node:assert/strict';
import { newEffects, type Effects } from '../../extension/analysis/interpreter/invocation-cache';
import { KeptValidity } from '../../extension/analysis/interpreter/kept-validity';

function effects(units: object[], inner: Effects[] = [], depends: Effects[] = []): Effects {
  const e = newEffects();
  for (const u of units) e.units.add(u);
  for (const i of inner) e.events.push({ inner: i });
  for (const d of depends) e.depends.add(d);
  return e;
}

describe('kept effects validity', () => {
  const a = {}; const b = {}; const c = {};

  it('marks what read a gone statement invalid, with what holds it through inner calls and depends links', () => {
    const leaf = effects([a]);
    const sibling = effects([b]);
    const middle = effects([c], [leaf]);
    const root = effects([], [middle, sibling]);
    const dependent = effects([], [], [leaf]);
    const index = new KeptValidity();
    index.add([root, dependent]);
    assert.deepEqual([leaf, sibling, middle, root, dependent].map((e) => index.valid(e)), [true, true, true, true, true]);
    index.invalidate((u) => u !== a, () => null);
    assert.deepEqual([leaf, sibling, middle, root, dependent].map((e) => index.valid(e)), [false, true, false, false, false]);
  });

  it('marks what resolved an id to another definition invalid', () => {
    const before = {}; const after = {};
    const reader = effects([]);
    reader.resolved.set('fn:model.py:f', before);
    const other = effects([]);
    other.resolved.set('fn:model.py:g', before);
    const elsewhere = effects([]);
    elsewhere.resolved.set('fn:train.py:f', before);
    const index = new KeptValidity();
    index.add([reader, other, elsewhere]);
    // Only ids of the files that changed are resolved again.
    index.invalidate(() => true, (key) => (key.endsWith(':f') ? after : before), new Set(['model.py']));
    assert.deepEqual([index.valid(reader), index.valid(other), index.valid(elsewhere)], [false, true, true]);
    index.invalidate(() => true, (key) => (key.endsWith(':f') ? after : before));
    assert.deepEqual([index.valid(reader), index.valid(other), index.valid(elsewhere)], [false, true, false]);
  });

  it('answers nothing for effects it does not hold, and links new holders of indexed effects', () => {
    const shared = effects([a]);
    const first = effects([], [shared]);
    const index = new KeptValidity();
    index.add([first]);
    const later = effects([b], [shared]);
    assert.equal(index.valid(later), undefined);
    index.add([later]);
    index.invalidate((u) => u !== a, () => null);
    assert.deepEqual([index.valid(first), index.valid(later)], [false, false]);
  });
});
