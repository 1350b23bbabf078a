/**
 * A plain-JavaScript mirror of tree-sitter's syntax tree, built once per top-level statement.
 * Walking WASM nodes costs a boundary crossing per property; this mirror is walked by every pass
 * instead, and is reused while a statement's text is unchanged (positions are relative to the
 * statement, so an edit above it only moves its base).
 */
import type { TreeCursor } from 'web-tree-sitter';
import type { Span } from './report';

export interface SyntaxNode {
  readonly type: string;
  /** The field this node fills in its parent (`function`, `arguments`, `left`, …). */
  readonly field: string | null;
  readonly named: boolean;
  /** Offsets into the unit's text (UTF-16 code units). */
  readonly start: number;
  readonly end: number;
  /** Row relative to the unit's first row; column absolute. */
  readonly row: number;
  readonly col: number;
  readonly endRow: number;
  readonly endCol: number;
  readonly children: readonly SyntaxNode[];
  readonly unit: Unit;
}

/** One top-level statement of a file, with its text and where it currently starts. */
export interface Unit {
  readonly text: string;
  /** 0-based row of the statement's first line in the file; updated when the unit is reused. */
  baseRow: number;
  readonly root: SyntaxNode;
  /** ERROR and MISSING nodes inside the unit. */
  readonly errors: readonly SyntaxNode[];
}

/** Build the mirror of the node under the cursor; the cursor must be at a top-level statement. */
export function buildUnit(cursor: TreeCursor, text: string): Unit {
  const baseIndex = cursor.startIndex;
  const baseRow = cursor.startPosition.row;
  const errors: SyntaxNode[] = [];
  const unit: { text: string; baseRow: number; errors: SyntaxNode[]; root: SyntaxNode } = {
    text: text.slice(baseIndex, cursor.endIndex), baseRow, errors, root: undefined as unknown as SyntaxNode,
  };
  const visit = (): SyntaxNode => {
    const s = cursor.startPosition;
    const e = cursor.endPosition;
    const children: SyntaxNode[] = [];
    const node: SyntaxNode = {
      type: cursor.nodeType, field: cursor.currentFieldName, named: cursor.nodeIsNamed,
      start: cursor.startIndex - baseIndex, end: cursor.endIndex - baseIndex,
      row: s.row - baseRow, col: s.column, endRow: e.row - baseRow, endCol: e.column,
      children, unit,
    };
    if (node.type === 'ERROR' || cursor.nodeIsMissing) errors.push(node);
    if (node.type !== 'comment' && cursor.gotoFirstChild()) {
      do {
        if (cursor.nodeType !== 'comment') children.push(visit());
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
    return node;
  };
  unit.root = visit();
  return unit;
}

export function textOf(node: SyntaxNode): string {
  return node.unit.text.slice(node.start, node.end);
}

/** 1-based span of a node in its file. */
export function spanOf(node: SyntaxNode): Span {
  const base = node.unit.baseRow;
  return { line: base + node.row + 1, column: node.col + 1, endLine: base + node.endRow + 1, endColumn: node.endCol + 1 };
}

/** 1-based line of a node in its file. */
export function lineOf(node: SyntaxNode): number {
  return node.unit.baseRow + node.row + 1;
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.children.find((c) => c.field === name);
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named);
}
