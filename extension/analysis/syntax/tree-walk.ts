/**
 * A cursor over a syntax tree that calls tree-sitter's own cursor functions in the WASM binding
 * directly. web-tree-sitter's `TreeCursor` copies its four-word state into WASM memory and back
 * through emscripten's generic `setValue`/`getValue` on every property read; the mirror reads
 * 1.8 M nodes of a 100 000-line file, and with typed-array copies the walk is ≈ 3× faster.
 *
 * It relies on the binding's `_ts_tree_cursor_*_wasm` exports and their transfer-buffer convention
 * (the functions `TreeCursor` itself calls). `parser.ts` checks they exist when it loads, and
 * `tree-walk.test.ts` checks this walk reads the same nodes as the public API.
 */
import type { Tree } from 'web-tree-sitter';

/** The emscripten module of web-tree-sitter: what `Parser.init(module)` fills in. */
export interface Binding {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_copy_wasm(tree: number): void;
  _ts_tree_cursor_delete_wasm(tree: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_start_position_wasm(tree: number): void;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
}

const REQUIRED: readonly (keyof Binding)[] = [
  'HEAP32', '_ts_init', '_ts_tree_cursor_copy_wasm', '_ts_tree_cursor_delete_wasm', '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm', '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_current_node_is_missing_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_start_position_wasm', '_ts_tree_cursor_current_node_wasm', '_ts_node_has_error_wasm',
];

/** The binding's functions this walk needs that it lacks (a web-tree-sitter version this code does not know). */
export function missingBindingFunctions(module: object): string[] {
  return REQUIRED.filter((name) => !(name in module));
}

/** The id tree-sitter gives ERROR nodes (`ts_builtin_sym_error`, outside the grammar's table). */
export const ERROR_TYPE_ID = 0xffff;

/** Words of a marshalled cursor in the transfer buffer. */
const CURSOR_WORDS = 4;

/**
 * A cursor whose state lives in the binding's transfer buffer while it walks: moves and reads leave
 * it there, so no web-tree-sitter call may run between the walk's creation and its `delete()` (one
 * would overwrite the buffer). Reads that themselves use the buffer put the state back.
 */
export class TreeWalk {
  /** The state, kept while a read borrows the transfer buffer. */
  private readonly kept = new Int32Array(CURSOR_WORDS);
  private readonly slot: number;
  private readonly tree: number;
  private readonly firstChild: (tree: number) => number;
  private readonly nextSibling: (tree: number) => number;
  private readonly parent: (tree: number) => number;
  private readonly typeId: (tree: number) => number;
  private readonly fieldId: (tree: number) => number;
  private readonly start: (tree: number) => number;
  private readonly end: (tree: number) => number;

  constructor(private readonly binding: Binding, tree: Tree) {
    this.slot = binding._ts_init() >> 2;
    // The tree's address: web-tree-sitter's own calls pass `tree[0]`.
    this.tree = (tree as unknown as Record<number, number>)[0];
    // A public cursor at the root leaves its state in the transfer buffer; this walk owns a copy of it.
    const root = tree.walk();
    void root.nodeTypeId; // any read marshals the public cursor into the buffer
    binding._ts_tree_cursor_copy_wasm(this.tree);
    this.keep();
    root.delete();
    this.restore();
    ({
      _ts_tree_cursor_goto_first_child_wasm: this.firstChild, _ts_tree_cursor_goto_next_sibling_wasm: this.nextSibling,
      _ts_tree_cursor_goto_parent_wasm: this.parent, _ts_tree_cursor_current_node_type_id_wasm: this.typeId,
      _ts_tree_cursor_current_field_id_wasm: this.fieldId, _ts_tree_cursor_start_index_wasm: this.start, _ts_tree_cursor_end_index_wasm: this.end,
    } = binding);
  }

  private keep(): void {
    // HEAP32 is read anew each time: the WASM memory (and so the view) is replaced when it grows.
    const heap = this.binding.HEAP32;
    for (let i = 0; i < CURSOR_WORDS; i++) this.kept[i] = heap[this.slot + i];
  }

  private restore(): void {
    this.binding.HEAP32.set(this.kept, this.slot);
  }

  gotoFirstChild(): boolean { return this.firstChild(this.tree) === 1; }
  gotoNextSibling(): boolean { return this.nextSibling(this.tree) === 1; }
  gotoParent(): boolean { return this.parent(this.tree) === 1; }

  /** The grammar's id of the node's type; `ERROR_TYPE_ID` for an ERROR node. */
  get nodeTypeId(): number { return this.typeId(this.tree); }
  /** 0 when the node fills no field. */
  get currentFieldId(): number { return this.fieldId(this.tree); }
  get nodeIsMissing(): boolean { return this.binding._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1; }
  /** Offsets in UTF-16 code units, like web-tree-sitter's. */
  get startIndex(): number { return this.start(this.tree); }
  get endIndex(): number { return this.end(this.tree); }

  get startPosition(): { row: number; column: number } {
    this.keep();
    this.binding._ts_tree_cursor_start_position_wasm(this.tree);
    const heap = this.binding.HEAP32;
    const position = { row: heap[this.slot], column: heap[this.slot + 1] };
    this.restore();
    return position;
  }

  /** Whether the node contains an ERROR or MISSING node. */
  get nodeHasError(): boolean {
    this.keep();
    // The node replaces the cursor in the transfer buffer, where the node functions read it.
    this.binding._ts_tree_cursor_current_node_wasm(this.tree);
    const hasError = this.binding._ts_node_has_error_wasm(this.tree) === 1;
    this.restore();
    return hasError;
  }

  delete(): void {
    this.binding._ts_tree_cursor_delete_wasm(this.tree);
  }
}
