/**
 * A parse worker (`parse-pool.ts`): parses a piece of a Python file and sends back its top-level
 * statements encoded (`syntax.ts`), or null when the piece has a syntax error, so the file is parsed
 * whole instead (error recovery must see the whole file).
 */
import { parentPort } from 'node:worker_threads';
import { pythonParser } from './parser';
import { encodeStatements, nodeKinds } from './syntax';
import type { PieceRequest, PieceResult } from './parse-pool';

const port = parentPort!;
const ready = pythonParser().then((parser) => ({ parser, kinds: nodeKinds(parser.language!) }));

port.on('message', (request: PieceRequest) => {
  void ready.then(({ parser, kinds }) => {
    const tree = parser.parse(request.text);
    try {
      const words = tree && !tree.rootNode.hasError ? encodeStatements(tree, kinds) : null;
      port.postMessage({ id: request.id, words } satisfies PieceResult, words ? [words.buffer as ArrayBuffer] : []);
    } finally {
      tree?.delete();
    }
  }).catch((err: unknown) => {
    port.postMessage({ id: request.id, words: null, error: err instanceof Error ? err.message : String(err) } satisfies PieceResult);
  });
});
