import * as assert from 'node:assert/strict';
import { enoughSamples, sample, type SamplingPolicy } from '../../../runtime/bench/sampler';

const policy: SamplingPolicy = { warmupRuns: 2, minRuns: 4, maxRuns: 12, budgetMs: 1000, settleTolerance: 0.05 };

describe('adaptive sampling', () => {
  it('never stops before minRuns, even over budget', () => {
    assert.equal(enoughSamples([5, 5, 5], 10_000, policy), false);
  });
  it('stops at minRuns once the budget is spent', () => {
    assert.equal(enoughSamples([5, 9, 1, 7], 1000, policy), true);
    assert.equal(enoughSamples([5, 9, 1, 7], 999, policy), false);
  });
  it('stops within budget once the median of all samples is within tolerance of the first half\'s', () => {
    assert.equal(enoughSamples([10, 10, 10, 10, 10, 10, 10, 10.4], 1, policy), true);
  });
  it('goes on while the median still moves', () => {
    assert.equal(enoughSamples([10, 10, 10, 10, 20, 20, 20, 20, 20], 1, policy), false);
  });
  it('stops at maxRuns whatever the spread', () => {
    const drifting = Array.from({ length: 12 }, (_, i) => i * i);
    assert.equal(enoughSamples(drifting.slice(0, 11), 1, policy), false);
    assert.equal(enoughSamples(drifting, 1, policy), true);
  });
  it('runs the warm-up untimed, then returns what each timed run measured', async () => {
    let calls = 0;
    const samples = await sample(async () => ++calls, { ...policy, maxRuns: 6, settleTolerance: 0 });
    assert.equal(calls, 8);
    assert.deepEqual(samples, [3, 4, 5, 6, 7, 8]);
  });
});
