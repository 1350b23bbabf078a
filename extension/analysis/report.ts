/**
 * The analysis result for a set of Python files: the stable shape behind `attnlens check --format json`
 * (version 1), the language server's annotations, and SARIF. Lines and columns are 1-based.
 */
import type { CallFacts, Dtype, Mode } from '../../runtime/dispatch/facts';
import type { Decision } from '../../runtime/dispatch/decision';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A 1-based, end-exclusive range in a file. */
export interface Span {
  /**
   * In a notebook: the cell (1-based among all its cells), whose first line is then line 1. Absent in
   * a Python file; the analysis itself sees a notebook as one module and leaves it out (notebook-module.ts).
   */
  readonly cell?: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/** Stable diagnostic codes; docs/rules/<code>.md documents each. */
export type DiagnosticCode =
  | 'dtype-mismatch'
  | 'dtype-unsupported'
  | 'bias-dtype'
  | 'bias-shape'
  | 'bias-alignment'
  | 'mask-disables-flash'
  | 'need-weights'
  | 'no-available-kernel'
  | 'dead-fast-path'
  | 'head-dim'
  | 'input-rank'
  | 'grouped-heads'
  | 'causal-alignment'
  | 'layout'
  | 'manual-attention'
  | 'dropout-in-eval'
  | 'flash-attention-2-dtype'
  | 'flex-eager'
  | 'output-attentions'
  | 'diffusers-backend'
  | 'parse-error'
  | 'parse-limit'
  | 'internal-error';

export interface Finding {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** The path this finding is about; absent when it holds on every path. */
  readonly mode?: Mode;
  /** The narrowest range it is about (an argument rather than the whole call). */
  readonly span: Span;
  readonly fix?: Fix;
}

/** What one path (training or inference) does at a call. */
export interface ModeResult {
  /** true: some caller reaches the call on this path; false: none does; null: unknown. */
  readonly reached: boolean | null;
  readonly facts: CallFacts;
  readonly decision: Decision;
  /**
   * When `reached` is null: the paths that reach the call, each as the conditions it assumes, e.g.
   * `flash_attn is installed and xformers is not installed` (any one of them reaches it).
   */
  readonly assumed?: readonly string[];
  /** When `reached` is false because the code's own condition rules the call out: that condition and why. */
  readonly blockedBy?: { readonly span: Span; readonly why: string };
  /**
   * Where the paths reaching the call decide differently by an unknown with few values (the caller's
   * autocast, a mask that is None or a tensor, a library installed or not): what each case does, in
   * the order first seen. `decision` then joins them.
   */
  readonly cases?: readonly ModeCase[];
}

/** One case of a path kind at a call, e.g. `under float16 or bfloat16 autocast` → flash. */
export interface ModeCase {
  /** The case as a condition: `without autocast`, `if \`attn_mask\` is None`, `if xformers is installed`. */
  readonly when: string;
  readonly facts: CallFacts;
  readonly decision: Decision;
}

export interface CallReport {
  readonly span: Span;
  /** The API as written at the call, e.g. `F.scaled_dot_product_attention`, `flash_attn_func`. */
  readonly api: string;
  /** Qualified name of the enclosing function, e.g. `SelfAttention.forward`. */
  readonly function: string | null;
  readonly modes: { readonly train: ModeResult; readonly infer: ModeResult };
  readonly findings: readonly Finding[];
  /** Spans of the q, k and v arguments where the analysis found them (inlay hints go after them). */
  readonly args?: { readonly q?: Span; readonly k?: Span; readonly v?: Span };
}

export interface ParseError {
  readonly span: Span;
  readonly message: string;
  /**
   * Valid Python the parser cannot read (a gap of the tree-sitter grammar, not of the user's code):
   * a note (`parse-limit`) that names what is not analysed, not an error that fails the check.
   */
  readonly limit?: true;
}

/**
 * An internal error of the analysis at one place (a function, a call, the whole file): that place
 * has no facts, everything else in the file is reported.
 */
export interface InternalErrorReport {
  readonly span: Span;
  /** What failed and the exception's message: "internal error analysing `Tree.__init__`: RangeError: …". */
  readonly message: string;
}

export interface FileReport {
  readonly path: string;
  readonly parseErrors: readonly ParseError[];
  readonly calls: readonly CallReport[];
  readonly internalErrors: readonly InternalErrorReport[];
}

/** User-chosen assumptions for the analysis (CLI flags and editor settings). */
export interface AnalysisSettings {
  /** Autocast dtype assumed where the code shows none, or `off`. */
  readonly autocast: Dtype | 'off' | 'unknown';
  readonly installed: { readonly flash_attn: boolean | null; readonly xformers: boolean | null };
  readonly torch: readonly [number, number];
  readonly sm: number;
  readonly device: 'cuda' | 'cpu';
  /**
   * What a module's forward run with no caller in the files gets for its inputs without a default:
   * floating tensors of the module's parameter dtype (`float32-params`), or nothing known (`none`).
   */
  readonly assumeInputs: 'none' | 'float32-params';
}
