/**
 * Where syntax is in its file: spans (1-based, remembering their node so a kept report can follow it)
 * and line marks in messages (a statement's id and a row inside it, resolved to a line when read).
 * Positions are computed from a unit's line starts when asked, never stored on nodes.
 */
import { fileName, type FileLabels } from './file-labels';
import type { Span } from '../report';
import type { SyntaxNode, Unit } from './syntax';

/** Every live unit by id, so a line mark can be resolved wherever a message is read. */
const UNITS = new Map<number, WeakRef<Unit>>();
const forgetUnit = new FinalizationRegistry<number>((id) => UNITS.delete(id));

/** Makes a new unit's line marks resolvable while it lives. */
export function registerUnit(unit: Unit): void {
  UNITS.set(unit.id, new WeakRef(unit));
  forgetUnit.register(unit, unit.id);
}

/** The row of an offset: the last line start at or before it. */
function rowOf(starts: readonly number[], index: number): number {
  let lo = 0; let hi = starts.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= index) lo = mid; else hi = mid - 1; }
  return lo;
}

/** 0-based row in the file and column of an offset into a unit's text. */
function position(unit: Unit, index: number): { row: number; column: number } {
  const row = rowOf(unit.lineStarts, index);
  return { row: unit.baseRow + row, column: row === 0 ? unit.baseCol + index : index - unit.lineStarts[row]! };
}

/** Which part of a node a span covers: all of it, or the empty span at its start or end. */
export type SpanPart = 'whole' | 'start' | 'end';

/**
 * Spans remember (in a field JSON and deep equality skip) the node they were taken from, so a report
 * kept across edits can be moved to where the node is now (`currentSpan`).
 */
const ANCHOR = Symbol('span anchor');

interface Anchored {
  readonly [ANCHOR]?: { readonly node: SyntaxNode; readonly part: SpanPart };
}

/** 1-based span of a node in its file, or the empty span at its start or end. */
export function spanOf(node: SyntaxNode, part: SpanPart = 'whole'): Span {
  const start = position(node.unit, part === 'end' ? node.end : node.start);
  const end = part === 'whole' ? position(node.unit, node.end) : start;
  const span = { line: start.row + 1, column: start.column + 1, endLine: end.row + 1, endColumn: end.column + 1 };
  Object.defineProperty(span, ANCHOR, { value: { node, part } });
  return span;
}

/** Where a span taken by `spanOf` is now (its node's statement may have moved); other spans as they are. */
export function currentSpan(span: Span): Span {
  const anchor = (span as Anchored)[ANCHOR];
  if (!anchor) return span;
  const now = spanOf(anchor.node, anchor.part);
  return sameSpan(now, span) ? span : now;
}

export function sameSpan(a: Span, b: Span): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** The statement a span taken by `spanOf` lies in. */
export function spanUnit(span: Span): Unit | undefined {
  return (span as Anchored)[ANCHOR]?.node.unit;
}

/**
 * A node's line, written into messages as a mark that names its statement and the row inside it;
 * `resolveLineMarks` turns marks into line numbers when a report is read, so messages kept across
 * edits follow their statement when lines are inserted above it.
 */
export function lineMark(node: SyntaxNode): string {
  return `\uE000${node.unit.id}:${rowOf(node.unit.lineStarts, node.start)}\uE001`;
}

/** Line marks (`lineMark`) and file marks (`fileMark` in file-labels.ts). */
const MARKS = /\uE000(\d+):(\d+)\uE001|\uE002([^\uE003]*)\uE003/g;
const ANY_MARK = /[\uE000\uE002]/;

/** How marks are read: the files' labels (by name alone unless given), and who learns what a text names. */
export interface MarkReading {
  readonly labels?: FileLabels;
  /** Each statement a line mark names. */
  readonly onUnit?: (unit: Unit | undefined) => void;
  /** Each file a file mark names. */
  readonly onPath?: (path: string) => void;
}

/** `text` with each line mark replaced by the line number its statement has now, and each file mark by the file's label. */
export function resolveLineMarks(text: string, reading: MarkReading = {}): string {
  if (!ANY_MARK.test(text)) return text;
  const labels = reading.labels ?? fileName;
  return text.replace(MARKS, (_, id: string | undefined, row: string, path: string | undefined) => {
    if (path !== undefined) { reading.onPath?.(path); return labels(path); }
    const unit = UNITS.get(Number(id))?.deref();
    reading.onUnit?.(unit);
    return unit ? String(unit.baseRow + Number(row) + 1) : '?';
  });
}
