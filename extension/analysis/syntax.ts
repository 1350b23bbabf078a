/**
 * A plain-JavaScript mirror of tree-sitter's syntax tree, built once per top-level statement.
 * Walking WASM nodes costs a boundary crossing per property; this mirror is walked by every pass
 * instead, and is reused while a statement's text is unchanged (positions are relative to the
 * statement, so an edit above it only moves its base).
 */
import { registerUnit } from './positions';
import { ERROR_TYPE_ID, type TreeWalk } from './tree-walk';

export interface SyntaxNode {
  readonly type: string;
  /** The field this node fills in its parent (`function`, `arguments`, `left`, …). */
  readonly field: string | null;
  readonly named: boolean;
  /** Offsets into the unit's text (UTF-16 code units); rows and columns are computed when asked (`spanOf`). */
  readonly start: number;
  readonly end: number;
  readonly children: readonly SyntaxNode[];
  readonly unit: Unit;
}

/** One top-level statement of a file, with its text and where it currently starts. */
export interface Unit {
  /** Unique in the process: line marks (`lineMark`) name the unit by it. */
  readonly id: number;
  readonly text: string;
  /** 0-based row of the statement's first line in the file; updated when the unit is reused. */
  baseRow: number;
  /** Column of the statement's first character: columns on its first row are absolute. */
  readonly baseCol: number;
  /** Offset of each line start in `text`. */
  readonly lineStarts: readonly number[];
  readonly root: SyntaxNode;
  /** ERROR and MISSING nodes inside the unit. */
  readonly errors: readonly SyntaxNode[];
  /** The names the statement calls anywhere inside it: `f` for `f(…)`, `.m` for `x.m(…)` (collected while mirroring). */
  readonly called: readonly string[];
}

/** Type and field names by id, read once from the grammar (ids are cheaper to read than names). */
export interface GrammarNames {
  readonly types: readonly string[];
  readonly named: readonly boolean[];
  readonly fields: readonly (string | null)[];
}

/** Anonymous tokens the analysis reads (operators); other punctuation is left out of the mirror. */
const KEPT_TOKENS = new Set([
  '@', '*', '/', '//', '+', '-', '%', '**', '~', 'and', 'or', 'not', 'is', 'is not', 'not in', 'in', '==', '!=', '<', '>', '<=', '>=',
  '|', '&', '^', '<<', '>>', '<>',
  '+=', '-=', '*=', '/=', '@=', '//=', '%=', '**=', '|=', '&=', '^=', '<<=', '>>=',
]);

/** Syntax nested deeper than this is not mirrored: the interpreter recurses over the mirror. */
const MAX_DEPTH = 200;
/** The type of a node cut at MAX_DEPTH. */
export const TRUNCATED = 'truncated';

/**
 * Nodes whose children the analysis never reads: leaves, comments and strings (read as text), and
 * nodes cut at MAX_DEPTH.
 */
const CHILDLESS = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'comment', 'string', TRUNCATED]);
/** The children of every childless node: one shared empty array instead of one per leaf. */
const NO_CHILDREN: readonly SyntaxNode[] = Object.freeze([]);

let nextUnitId = 1;

/** Row of every line start in `text`, for turning offsets into rows and columns without asking WASM. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}


/** Build the mirror of the node under the cursor; the cursor must be at a top-level statement. */
export function buildUnit(cursor: TreeWalk, text: string, names: GrammarNames): Unit {
  const baseIndex = cursor.startIndex;
  const unitText = text.slice(baseIndex, cursor.endIndex);
  const { row: baseRow, column: baseCol } = cursor.startPosition;
  const errors: SyntaxNode[] = [];
  const called: string[] = [];
  const unit: Unit = { id: nextUnitId++, text: unitText, baseRow, baseCol, lineStarts: lineStarts(unitText), errors, called, root: undefined as unknown as SyntaxNode };
  registerUnit(unit);
  // Every cursor read crosses into WASM, so each node's type id is read once (by its parent's loop)
  // and leaves (anonymous tokens, identifiers, numbers) are not asked for children.
  const visit = (typeId: number, depth: number): SyntaxNode => {
    // ERROR has an id outside the grammar's table; nodes nested too deep are cut (analysed as unknown).
    const type = depth > MAX_DEPTH ? TRUNCATED : typeId === ERROR_TYPE_ID ? 'ERROR' : names.types[typeId];
    const named = names.named[typeId] ?? true;
    const start = cursor.startIndex - baseIndex;
    const end = cursor.endIndex - baseIndex;
    // The field and the missing flag are read before the cursor moves to the children.
    const field = names.fields[cursor.currentFieldId] ?? null;
    const missing = end === start && cursor.nodeIsMissing;
    const children = named && !CHILDLESS.has(type) && cursor.gotoFirstChild() ? [] as SyntaxNode[] : null;
    const node: SyntaxNode = { type, field, named, start, end, children: children ?? NO_CHILDREN, unit };
    if (type === 'ERROR' || missing) errors.push(node);
    if (children) {
      do {
        const childId = cursor.nodeTypeId;
        if ((names.named[childId] ?? true) ? names.types[childId] !== 'comment' : KEPT_TOKENS.has(names.types[childId])) children.push(visit(childId, depth + 1));
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
      if (type === 'call') addCalledName(children, called);
    }
    return node;
  };
  (unit as { root: SyntaxNode }).root = visit(cursor.nodeTypeId, 0);
  return unit;
}

/** `f` for a call of `f(…)`, `.m` for `x.m(…)`, given the call's children. */
function addCalledName(callChildren: readonly SyntaxNode[], called: string[]): void {
  const callee = callChildren.find((c) => c.field === 'function');
  if (callee?.type === 'identifier') called.push(textOf(callee));
  else if (callee?.type === 'attribute') {
    const attribute = callee.children.find((c) => c.field === 'attribute');
    if (attribute) called.push(`.${textOf(attribute)}`);
  }
}

export function textOf(node: SyntaxNode): string {
  return node.unit.text.slice(node.start, node.end);
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return node.children.find((c) => c.field === name);
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named);
}
