/**
 * A plain-JavaScript mirror of tree-sitter's syntax tree, built once per top-level statement.
 * Walking WASM nodes costs a boundary crossing per property; this mirror is walked by every pass
 * instead, and is reused while a statement's text is unchanged (positions are relative to the
 * statement, so an edit above it only moves its base).
 */
import type { Language, Tree } from 'web-tree-sitter';
import { walkTree } from './parser';
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
  /** The closures inside it: lambdas and the `def`s written inside a function or lambda, in document order (collected while mirroring). */
  readonly closures: readonly SyntaxNode[];
}

/**
 * Named nodes tree-sitter puts anywhere (the grammar's extras), left out of the mirror: comments, and
 * the `\` that continues a line (kept, it would be read as an operand: `a if c \` / `else b`).
 */
const EXTRAS = new Set(['comment', 'line_continuation']);

/** Type and field names by id. */
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

/** Per grammar type id, what the walk does with a node of that type (read once per grammar, not per node). */
export interface NodeKinds {
  readonly names: GrammarNames;
  /** Named types but comments, and the anonymous tokens in KEPT_TOKENS. */
  readonly kept: readonly boolean[];
  /** Named types whose children are read (not CHILDLESS). */
  readonly descend: readonly boolean[];
}

/** The kinds of the grammar's node types (type and field names read once: ids are cheaper to read than names). */
export function nodeKinds(language: Language): NodeKinds {
  const types: string[] = []; const named: boolean[] = []; const fields: (string | null)[] = [null];
  for (let id = 0; id < language.nodeTypeCount; id++) { types.push(language.nodeTypeForId(id) ?? ''); named.push(language.nodeTypeIsNamed(id)); }
  for (let id = 1; id <= language.fieldCount; id++) fields.push(language.fieldNameForId(id));
  const names: GrammarNames = { types, named, fields };
  return {
    names,
    kept: names.types.map((type, id) => (names.named[id] ? !EXTRAS.has(type) : KEPT_TOKENS.has(type))),
    descend: names.types.map((type, id) => names.named[id]! && !CHILDLESS.has(type)),
  };
}

/**
 * Mirrors are made in two steps: a walk writes the kept nodes of a statement as numbers
 * (`encodeStatement`), and `decodeStatement` makes the objects. The numbers are what a parse worker
 * sends back (`parse-pool.ts`); on the main thread the two steps follow each other.
 *
 * A statement is HEAD_WORDS words (start, end, row, column, has-error, node count), then per node, in
 * document order, NODE_WORDS words: type code, field id, flags, start and end relative to the
 * statement, number of kept children.
 */
const HEAD_WORDS = 6;
const NODE_WORDS = 6;
/** Type code of a node cut at MAX_DEPTH (grammar ids are ≥ 0). */
const TRUNCATED_CODE = -1;
const NAMED = 1;
const MISSING = 2;

/** A growable array of 32-bit numbers. */
export class FlatWriter {
  private words = new Int32Array(1 << 12);
  length = 0;

  push(value: number): void {
    if (this.length === this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[this.length++] = value;
  }

  set(index: number, value: number): void {
    this.words[index] = value;
  }

  /** The words written, in an array of their own (transferable). */
  take(): Int32Array {
    return this.words.slice(0, this.length);
  }

  /** The words written, without copying: valid until the next push. */
  view(): Int32Array {
    return this.words.subarray(0, this.length);
  }
}

/** Where the top-level statement under the cursor is, read before deciding whether to rebuild its mirror. */
export interface StatementHead {
  readonly start: number;
  readonly end: number;
  readonly row: number;
  readonly column: number;
  readonly hasError: boolean;
}

function statementHead(cursor: TreeWalk): StatementHead {
  const { row, column } = cursor.startPosition;
  return { start: cursor.startIndex, end: cursor.endIndex, row, column, hasError: cursor.nodeHasError };
}

/** Calls `visit` with the cursor at each top-level statement of `tree` (comments and line continuations skipped). */
export function forEachStatement(tree: Tree, kinds: NodeKinds, visit: (cursor: TreeWalk, head: StatementHead) => void): void {
  const cursor = walkTree(tree);
  try {
    if (cursor.gotoFirstChild()) {
      do {
        if (!EXTRAS.has(kinds.names.types[cursor.nodeTypeId]!)) visit(cursor, statementHead(cursor));
      } while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
}

/** Every top-level statement of `tree`, encoded. */
export function encodeStatements(tree: Tree, kinds: NodeKinds): Int32Array {
  const out = new FlatWriter();
  forEachStatement(tree, kinds, (cursor, head) => encodeStatement(cursor, head, kinds, out));
  return out.take();
}

/** Write the statement under the cursor (with `head`, its position) and its kept nodes; the cursor ends where it began. */
export function encodeStatement(cursor: TreeWalk, head: StatementHead, kinds: NodeKinds, out: FlatWriter): void {
  const at = out.length;
  out.push(head.start); out.push(head.end); out.push(head.row); out.push(head.column); out.push(head.hasError ? 1 : 0);
  out.push(0);
  let count = 0;
  // Every cursor read crosses into WASM, so each node's type id is read once (by its parent's loop)
  // and leaves (anonymous tokens, identifiers, numbers) are not asked for children.
  const visit = (typeId: number, depth: number): void => {
    count++;
    const truncated = depth > MAX_DEPTH;
    const start = cursor.startIndex - head.start;
    const end = cursor.endIndex - head.start;
    const named = typeId === ERROR_TYPE_ID || kinds.names.named[typeId]!;
    out.push(truncated ? TRUNCATED_CODE : typeId);
    // The field and the missing flag are read before the cursor moves to the children.
    out.push(cursor.currentFieldId);
    out.push((named ? NAMED : 0) | (end === start && cursor.nodeIsMissing ? MISSING : 0));
    out.push(start);
    out.push(end);
    const children = out.length;
    out.push(0);
    if (!truncated && (typeId === ERROR_TYPE_ID || kinds.descend[typeId]) && cursor.gotoFirstChild()) {
      let kept = 0;
      do {
        const childId = cursor.nodeTypeId;
        if (childId === ERROR_TYPE_ID || kinds.kept[childId]) { visit(childId, depth + 1); kept++; }
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
      out.set(children, kept);
    }
  };
  visit(cursor.nodeTypeId, 0);
  out.set(at + HEAD_WORDS - 1, count);
}

/** Where a statement parsed with its whole file is: no shift. */
const NO_SHIFT: { readonly index: number; readonly row: number } = { index: 0, row: 0 };

/** The head of the statement encoded at `at`. */
export function headAt(words: Int32Array, at: number): StatementHead {
  return { start: words[at]!, end: words[at + 1]!, row: words[at + 2]!, column: words[at + 3]!, hasError: words[at + 4] === 1 };
}

/** Where the statement after the one encoded at `at` begins (`words.length` after the last). */
export function nextStatement(words: Int32Array, at: number): number {
  return at + HEAD_WORDS + words[at + HEAD_WORDS - 1]! * NODE_WORDS;
}

/**
 * The unit of the statement encoded at `at`; `text` is the file's text, and `shift` moves the
 * statement's offset and row (a worker parsed a piece of the file starting there).
 */
export function decodeStatement(words: Int32Array, at: number, text: string, kinds: NodeKinds, shift = NO_SHIFT): Unit {
  const head = headAt(words, at);
  const unitText = text.slice(head.start + shift.index, head.end + shift.index);
  const errors: SyntaxNode[] = [];
  const called: string[] = [];
  const closures: SyntaxNode[] = [];
  const unit: Unit = { id: nextUnitId++, text: unitText, baseRow: head.row + shift.row, baseCol: head.column, lineStarts: lineStarts(unitText), errors, called, closures, root: undefined as unknown as SyntaxNode };
  registerUnit(unit);
  const { types, fields } = kinds.names;
  let p = at + HEAD_WORDS;
  let functionDepth = 0;
  const node = (): SyntaxNode => {
    const code = words[p]!; const fieldId = words[p + 1]!; const flags = words[p + 2]!;
    const start = words[p + 3]!; const end = words[p + 4]!; let count = words[p + 5]!;
    p += NODE_WORDS;
    // ERROR has an id outside the grammar's table; nodes nested too deep are cut (analysed as unknown).
    const type = code === TRUNCATED_CODE ? TRUNCATED : code === ERROR_TYPE_ID ? 'ERROR' : types[code]!;
    const children: SyntaxNode[] | null = count > 0 ? [] : null;
    const mirrored: SyntaxNode = { type, field: fields[fieldId] ?? null, named: (flags & NAMED) !== 0, start, end, children: children ?? NO_CHILDREN, unit };
    if (type === 'ERROR' || (flags & MISSING) !== 0) errors.push(mirrored);
    const opensFunction = type === 'lambda' || type === 'function_definition';
    if (opensFunction && (type === 'lambda' || functionDepth > 0)) closures.push(mirrored);
    if (children) {
      if (opensFunction) functionDepth++;
      while (count-- > 0) children.push(node());
      if (opensFunction) functionDepth--;
      if (type === 'call') addCalledName(children, called);
    }
    return mirrored;
  };
  (unit as { root: SyntaxNode }).root = node();
  return unit;
}

/** Functions that call (or return a callable that calls) the callable given first: `checkpoint(self._attn, q, k, v)`. */
const CALLING_WRAPPERS = new Set(['checkpoint', 'compile', 'vmap', 'partial']);

/**
 * `f` for a call of `f(…)`, `.m` for `x.m(…)`, given the call's children; also for the callable
 * handed first to a wrapper that calls it (`checkpoint(f, …)`, `torch.compile(self.m)`).
 */
function addCalledName(callChildren: readonly SyntaxNode[], called: string[]): void {
  const callee = callChildren.find((c) => c.field === 'function');
  const name = callee && calledName(callee);
  if (name) called.push(name);
  if (name && CALLING_WRAPPERS.has(name.replace(/^\./, ''))) {
    const first = callChildren.find((c) => c.field === 'arguments')?.children.find((c) => c.named);
    const handed = first && calledName(first);
    if (handed) called.push(handed);
  }
}

/** `f` for the name `f`, `.m` for `x.m`; undefined for any other expression. */
function calledName(node: SyntaxNode): string | undefined {
  if (node.type === 'identifier') return textOf(node);
  const attribute = node.type === 'attribute' ? node.children.find((c) => c.field === 'attribute') : undefined;
  return attribute && `.${textOf(attribute)}`;
}

export function textOf(node: SyntaxNode): string {
  return node.unit.text.slice(node.start, node.end);
}

/**
 * A node's text on one line, for messages that quote code (a condition split over lines): each line
 * break with its indentation (and a backslash continuation) becomes one space, none inside brackets.
 */
export function oneLineText(node: SyntaxNode): string {
  const text = textOf(node);
  // Most quoted code is one line already; the three patterns below all need a line break.
  if (!text.includes('\n')) return text;
  return text.replace(/([([{])\s*\n\s*/g, '$1').replace(/\s*\n\s*([)\]}])/g, '$1').replace(/\s*\\?\n\s*/g, ' ');
}

/** A comparison of two operands (`x is not None`, `a == b`): they and its operator, its spaces made one (`is not`); undefined for a chain. */
export function binaryComparison(node: SyntaxNode): { readonly left: SyntaxNode; readonly right: SyntaxNode; readonly op: string } | undefined {
  if (node.type !== 'comparison_operator') return undefined;
  const operands = namedChildren(node);
  const opNode = node.children.find((c) => c.field === 'operators');
  if (operands.length !== 2 || !opNode) return undefined;
  return { left: operands[0]!, right: operands[1]!, op: textOf(opNode).replace(/\s+/g, ' ') };
}

export function field(node: SyntaxNode, name: string): SyntaxNode | undefined {
  // A loop, not `find`: the closure `find` needs would be made anew at each of the analysis' many calls.
  for (const c of node.children) if (c.field === name) return c;
  return undefined;
}

/** The named children (no operator tokens); the children array itself when all are named, as most are. */
export function namedChildren(node: SyntaxNode): readonly SyntaxNode[] {
  return node.children.every((c) => c.named) ? node.children : node.children.filter((c) => c.named);
}

/** The node whose children hold `node`, found from its statement's root (the mirror keeps no parent links). */
export function parentOf(node: SyntaxNode): SyntaxNode | undefined {
  const search = (at: SyntaxNode): SyntaxNode | undefined => {
    if (at.start > node.start || at.end < node.end) return undefined;
    if (at.children.includes(node)) return at;
    for (const c of at.children) { const found = search(c); if (found) return found; }
    return undefined;
  };
  return search(node.unit.root);
}
