/**
 * The full collection after documents close (idle-collection.ts): once, after the analysis that
 * follows the closes and a quiet delay; an edit meanwhile puts it off to the next idle time; never
 * after an analysis no close preceded.
 */
import * as assert from 'node:assert/strict';
import { IdleCollection } from '../../extension/server/idle-collection';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('collection when the server idles after documents close', () => {
  it('collects once after the analysis that follows a close', async () => {
    let collected = 0;
    const idle = new IdleCollection(() => collected++, 20);
    idle.analysed();
    await tick(40);
    assert.equal(collected, 0, 'no close, no collection');
    idle.closed();
    await tick(40);
    assert.equal(collected, 0, 'not before the analysis that follows the close');
    idle.analysed();
    await tick(40);
    assert.equal(collected, 1);
    idle.analysed();
    await tick(40);
    assert.equal(collected, 1, 'once');
  });

  it('puts a pending collection off when an edit comes, to the next analysis', async () => {
    let collected = 0;
    const idle = new IdleCollection(() => collected++, 20);
    idle.closed();
    idle.analysed();
    idle.busy();
    await tick(40);
    assert.equal(collected, 0);
    idle.analysed();
    await tick(40);
    assert.equal(collected, 1);
  });

  it('runs a real full collection by default (V8 gc exposed at run time)', () => {
    const idle = new IdleCollection(undefined, 0);
    const collect = (idle as unknown as { collect: () => void }).collect;
    assert.doesNotThrow(() => collect());
  });
});
