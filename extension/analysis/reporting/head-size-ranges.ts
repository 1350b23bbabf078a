/**
 * The ranges of head sizes the dispatch rules tell apart (runtime/dispatch/head-dims.ts), a size in
 * each, and words for a set of them. A **cell** is an interval of sizes (lo, hi] between two bounds
 * the rules test, and an alignment class: the largest of the rules' alignments the size is a
 * multiple of (class 0: none). Every size of a cell gets the same answer from the rules.
 */
import type { HeadDimBounds } from '../../../runtime/dispatch/head-dims';

export interface HeadSizeCell {
  readonly interval: number;
  readonly alignment: number;
  /** A size in the cell. */
  readonly size: number;
}

interface Interval { readonly lo: number; readonly hi: number | null }

/**
 * The bounds on q's head size d where v's is `ratio`·d: the rules test d against theirs, and
 * `ratio`·d too (`2·d ≤ 256` is `d ≤ 128`; `2·d` a multiple of 8 is `d` a multiple of 4).
 */
export function boundsForRatio(bounds: HeadDimBounds, ratio: number): HeadDimBounds {
  if (ratio === 1) return bounds;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const unique = (values: readonly number[]) => [...new Set(values)].filter((n) => n > 0).sort((a, b) => a - b);
  return {
    atMost: unique([...bounds.atMost, ...bounds.atMost.map((b) => Math.floor(b / ratio))]),
    exactly: unique([...bounds.exactly, ...bounds.exactly.filter((n) => n % ratio === 0).map((n) => n / ratio)]),
    multipleOf: unique([...bounds.multipleOf, ...bounds.multipleOf.map((a) => a / gcd(a, ratio))]),
  };
}

/** The intervals between the bounds: (0, b₁], (b₁, b₂], …, (bₖ, ∞); a size taken alone is an interval of its own. */
function intervals(bounds: HeadDimBounds): Interval[] {
  const cuts = [...new Set([...bounds.atMost, ...bounds.exactly.flatMap((n) => [n - 1, n])])].filter((n) => n > 0).sort((a, b) => a - b);
  return [...cuts, null].map((hi, i) => ({ lo: i === 0 ? 0 : cuts[i - 1]!, hi }));
}

/** The cell a size is in. */
export function cellOf(bounds: HeadDimBounds, size: number): Omit<HeadSizeCell, 'size'> {
  const interval = intervals(bounds).findIndex(({ lo, hi }) => size > lo && (hi === null || size <= hi));
  return { interval, alignment: alignmentClass(size, bounds.multipleOf) };
}

/** The class of a size: 0 when no alignment divides it, else 1 + the index of the largest that does. */
function alignmentClass(size: number, multipleOf: readonly number[]): number {
  let cls = 0;
  multipleOf.forEach((a, i) => { if (size % a === 0) cls = i + 1; });
  return cls;
}

/**
 * Every cell that has sizes, with one of them: where it can, one that is neither small (a count or
 * an alignment in a message) nor one of the bounds nor `avoided` (numbers a decision's text already
 * holds, which the size's words will replace).
 */
export function headSizeCells(bounds: HeadDimBounds, avoided: (size: number) => boolean): HeadSizeCell[] {
  const numbers = new Set([...bounds.atMost, ...bounds.exactly, ...bounds.multipleOf]);
  const preferences: ((size: number) => boolean)[] = [(n) => n > 16 && !numbers.has(n) && !avoided(n), (n) => !avoided(n), () => true];
  // An unbounded interval shows every class within a few of the largest alignments.
  const reach = 2 * Math.max(1, ...bounds.multipleOf);
  return intervals(bounds).flatMap(({ lo, hi }, interval) => {
    const sizes = Array.from({ length: (hi ?? Math.max(lo, 16) + reach) - lo }, (_, i) => lo + 1 + i);
    const byClass = new Map<number, number[]>();
    for (const size of sizes) {
      const cls = alignmentClass(size, bounds.multipleOf);
      byClass.set(cls, [...(byClass.get(cls) ?? []), size]);
    }
    return [...byClass].sort((a, b) => a[0] - b[0]).map(([alignment, members]): HeadSizeCell => {
      const size = preferences.map((ok) => members.find(ok)).find((n) => n !== undefined)!;
      return { interval, alignment, size };
    });
  });
}

/**
 * The condition that holds for the sizes of `group` (a set of cells) and for no other cell in
 * `all`, on `expr`: `a multiple of 8 and ≤ 256`. Adjacent intervals whose classes agree read as
 * one range; the classes of an interval read as one run where they can (`a multiple of 4 but not
 * of 8`), a class no size of the interval has taken either way.
 */
export function rangeWords(bounds: HeadDimBounds, all: readonly HeadSizeCell[], group: readonly HeadSizeCell[]): string {
  const spans = intervals(bounds);
  const classes = bounds.multipleOf.length + 1;
  const inGroup = new Set(group.map(key));
  const pieces: string[] = [];
  let block: { from: number; to: number; status: ('in' | 'out' | undefined)[] } | undefined;
  const close = () => {
    if (!block) return;
    const range = rangeText(spans[block.from]!.lo, spans[block.to]!.hi);
    for (const run of runs(block.status)) pieces.push([runText(run, bounds.multipleOf), range].filter((w) => w !== '').join(' and '));
    block = undefined;
  };
  spans.forEach((_, interval) => {
    const status = Array.from({ length: classes }, (): 'in' | 'out' | undefined => undefined);
    for (const cell of all) if (cell.interval === interval) status[cell.alignment] = inGroup.has(key(cell)) ? 'in' : 'out';
    const any = status.includes('in');
    const fits = block !== undefined && status.every((s, i) => s === undefined || block!.status[i] === undefined || block!.status[i] === s);
    if (!fits) close();
    // An interval with none of the group's sizes joins the range where its classes agree: the words exclude them.
    if (!block) { if (any) block = { from: interval, to: interval, status }; return; }
    status.forEach((s, i) => { if (s) block!.status[i] = s; });
    block.to = interval;
  });
  close();
  return pieces.join(' or ');
}

function key(cell: HeadSizeCell): string {
  return `${cell.interval}:${cell.alignment}`;
}

/** The classes in, as runs [from, to): a class no size took goes with the run beside it. */
function runs(status: readonly ('in' | 'out' | undefined)[]): [number, number][] {
  const out: [number, number][] = [];
  let start: number | undefined;
  let lastOut = -1;
  status.forEach((s, i) => {
    if (s === 'in' && start === undefined) start = lastOut + 1;
    if (s === 'out') {
      if (start !== undefined) { out.push([start, i]); start = undefined; }
      lastOut = i;
    }
  });
  if (start !== undefined) out.push([start, status.length]);
  return out;
}

function runText([from, to]: [number, number], multipleOf: readonly number[]): string {
  const top = multipleOf.length + 1;
  if (from === 0 && to === top) return '';
  if (from === 0) return `not a multiple of ${multipleOf[to - 1]}`;
  if (to === top) return `a multiple of ${multipleOf[from - 1]}`;
  return `a multiple of ${multipleOf[from - 1]} but not of ${multipleOf[to - 1]}`;
}

function rangeText(lo: number, hi: number | null): string {
  if (hi === null) return lo === 0 ? '' : `> ${lo}`;
  if (lo === 0) return `≤ ${hi}`;
  return hi === lo + 1 ? `${hi}` : `> ${lo} and ≤ ${hi}`;
}
