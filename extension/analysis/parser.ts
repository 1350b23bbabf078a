/**
 * The Python parser: web-tree-sitter with the tree-sitter-python grammar, both loaded from their
 * packages' WASM files. Initialised lazily and once; the promise (and any failure) is cached.
 */
import type { Parser as ParserType, Tree } from 'web-tree-sitter';

// CommonJS require: the package's ESM build cannot be loaded from a node16 CommonJS module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const treeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');

let ready: Promise<ParserType> | undefined;

async function createParser(): Promise<ParserType> {
  await treeSitter.Parser.init();
  const python = await treeSitter.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const parser = new treeSitter.Parser();
  parser.setLanguage(python);
  return parser;
}

/** The shared parser, created on first use. */
export function pythonParser(): Promise<ParserType> {
  ready ??= createParser();
  return ready;
}

export type { Tree };
export const Edit = treeSitter.Edit;
