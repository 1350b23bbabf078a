import * as assert from 'node:assert/strict';
import { median, percentile, spread } from '../../../runtime/bench/stats';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('bench statistics', () => {
  it('interpolates percentiles linearly between ranks, like numpy.percentile', () => {
    // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
    close(percentile([4, 1, 3, 2], 10), 1.3);
    close(percentile([4, 1, 3, 2], 50), 2.5);
    close(percentile([4, 1, 3, 2], 90), 3.7);
    // numpy.percentile([15, 20, 35, 40, 50], [0, 10, 90, 100]) = [15, 17, 46, 50]
    const xs = [50, 15, 40, 20, 35];
    close(percentile(xs, 0), 15);
    close(percentile(xs, 10), 17);
    close(percentile(xs, 90), 46);
    close(percentile(xs, 100), 50);
  });
  it('takes the middle sample as median for odd counts and the mean of the two middle ones for even', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([7, 1, 3, 5]), 4);
    assert.equal(median([42]), 42);
  });
  it('does not reorder the caller\'s samples', () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });
  it('summarises a spread as median, p10 and p90', () => {
    const xs = Array.from({ length: 11 }, (_, i) => 10 * i); // 0, 10, …, 100
    assert.deepEqual(spread(xs), { median: 50, p10: 10, p90: 90 });
  });
  it('refuses empty samples and percentiles outside [0, 100]', () => {
    assert.throws(() => median([]), /percentile of no samples/);
    assert.throws(() => percentile([1], 101), /percentile must be in \[0, 100\], got 101/);
    assert.throws(() => percentile([1], NaN), /got NaN/);
  });
});
