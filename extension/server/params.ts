/**
 * What each request's params must hold before a handler reads them. The protocol library passes
 * params through as sent; a client that sends `{}` to textDocument/hover must get InvalidParams
 * naming the missing field (LSP), not a TypeError from deep in a handler. Only what the handlers
 * read is checked: extra fields are allowed, as the specification asks.
 */
import { Message, type MessageStrategy } from 'vscode-languageserver';
import type { Dtype } from '../../runtime/dispatch/facts';
import type { BenchMask } from '../protocol';

/** `undefined` when `value` fits, else what is wrong with it, naming it by `at` (`params.position.line`). */
export type Check = (value: unknown, at: string) => string | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const string: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string`);
const integer: Check = (v, at) => (Number.isSafeInteger(v) ? undefined : `${at} must be an integer`);
const uinteger: Check = (v, at) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : `${at} must be a non-negative integer`);
const positiveInteger: Check = (v, at) => (Number.isSafeInteger(v) && (v as number) >= 1 ? undefined : `${at} must be a positive integer`);
const stringOrNull: Check = (v, at) => (typeof v === 'string' || v === null ? undefined : `${at} must be a string or null`);
const anyObject: Check = (v, at) => (isRecord(v) ? undefined : `${at} must be an object`);

function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isRecord(v)) return `${at} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(v[key], `${at}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

function optional(check: Check): Check {
  return (v, at) => (v === undefined ? undefined : check(v, at));
}

function nullable(check: Check): Check {
  return (v, at) => (v === null ? undefined : check(v, at));
}

function oneOf(values: readonly string[]): Check {
  return (v, at) => (typeof v === 'string' && values.includes(v) ? undefined : `${at} must be one of ${values.join(', ')}`);
}

function arrayOf(check: Check): Check {
  return (v, at) => (Array.isArray(v) ? v.map((item, i) => check(item, `${at}[${i}]`)).find((p) => p !== undefined) : `${at} must be an array`);
}

/** The first alternative that fits; otherwise the problem the first one found. */
function either(...checks: Check[]): Check {
  return (v, at) => {
    const problems = checks.map((check) => check(v, at));
    return problems.includes(undefined) ? undefined : problems[0];
  };
}

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri: string });

/** initialize: the capabilities, and the workspace's folders, whose URIs name the files read as callers. */
export const INITIALIZE_PARAMS = object({
  capabilities: anyObject,
  rootUri: optional(stringOrNull),
  workspaceFolders: optional(nullable(arrayOf(object({ uri: string })))),
});
export const TEXT_DOCUMENT_PARAMS = object({ textDocument });
export const POSITION_PARAMS = object({ textDocument, position });
export const RANGE_PARAMS = object({ textDocument, range });
/** textDocument/codeAction: the range, and the context's diagnostics where they are sent (toCodeActions matches their range and code). */
export const CODE_ACTION_PARAMS = object({ textDocument, range, context: optional(object({ diagnostics: arrayOf(object({ range })) })) });

/**
 * The document sync notifications, as TextDocuments and NotebookDocuments read them: a document they
 * keep with a URI that is not a string would fail every analysis after it.
 */
const textDocumentItem = object({ uri: string, languageId: string, version: integer, text: string });
const versionedTextDocument = object({ uri: string, version: integer });
/** A range and its text, or the whole text (no range). */
const contentChange = object({ range: optional(range), text: string });
const notebookCell = object({ kind: uinteger, document: string });

export const DID_OPEN_PARAMS = object({ textDocument: textDocumentItem });
export const DID_CHANGE_PARAMS = object({ textDocument: versionedTextDocument, contentChanges: arrayOf(contentChange) });
export const DID_CLOSE_PARAMS = TEXT_DOCUMENT_PARAMS;
export const NOTEBOOK_DID_OPEN_PARAMS = object({
  notebookDocument: object({ uri: string, notebookType: string, version: integer, cells: arrayOf(notebookCell) }),
  cellTextDocuments: arrayOf(textDocumentItem),
});
export const NOTEBOOK_DID_CHANGE_PARAMS = object({
  notebookDocument: versionedTextDocument,
  change: object({
    cells: optional(object({
      structure: optional(object({
        array: object({ start: uinteger, deleteCount: uinteger, cells: optional(arrayOf(notebookCell)) }),
        didOpen: optional(arrayOf(textDocumentItem)),
        didClose: optional(arrayOf(textDocument)),
      })),
      data: optional(arrayOf(notebookCell)),
      textContent: optional(arrayOf(object({ document: versionedTextDocument, changes: arrayOf(contentChange) }))),
    })),
  }),
});
export const NOTEBOOK_DID_CLOSE_PARAMS = object({ notebookDocument: textDocument, cellTextDocuments: arrayOf(textDocument) });

/** workspace/didChangeConfiguration: its `settings` may be anything, the params must hold them. */
export const DID_CHANGE_CONFIGURATION_PARAMS = anyObject;
/** workspace/didChangeWatchedFiles: each change's URI and kind. */
export const WATCHED_FILES_PARAMS = object({ changes: arrayOf(object({ uri: string, type: uinteger })) });
/** A code lens as textDocument/codeLens listed it: its data names the document and the call. */
export const CODE_LENS = object({ range, data: object({ uri: string, index: uinteger }) });

const DTYPES: readonly Dtype[] = ['float16', 'bfloat16', 'float32', 'float64'];
const MASKS: readonly BenchMask[] = ['none', 'causal', 'float'];
const benchShape = object({ batch: positiveInteger, heads: positiveInteger, kvHeads: positiveInteger, seqQ: positiveInteger, seqKv: positiveInteger, headDim: positiveInteger });

export const BENCHMARK_PARAMS = object({
  shapes: optional(arrayOf(benchShape)),
  dtype: optional(oneOf(DTYPES)),
  mask: optional(oneOf(MASKS)),
  call: optional(either(object({ uri: string, index: uinteger }), object({ uri: string, position }))),
});

/**
 * HACK: vscode-languageserver reads `initialize`'s `params.capabilities` itself before any handler
 * runs, so without them it fails with a TypeError (-32603). The connection's message strategy passes
 * such a request on with `capabilities: 'missing'`, which the library reads past and
 * INITIALIZE_PARAMS refuses with InvalidParams like any other bad value.
 */
export const MISSING_CAPABILITIES_REACH_THE_CHECK: MessageStrategy = {
  handleMessage(message, next) {
    if (!Message.isRequest(message) || message.method !== 'initialize') return next(message);
    const params = isRecord(message.params) ? message.params : {};
    return next(isRecord(params['capabilities']) ? message : { ...message, params: { ...params, capabilities: 'missing' } } as Message);
  },
};
