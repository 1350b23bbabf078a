/**
 * Parsing large files on several cores. tree-sitter parses ≈ 5 MB/s in WASM, one thread per parser,
 * so a large file is cut into pieces between top-level definitions and the pieces are parsed and
 * mirrored in worker threads (`parse-worker.ts`); the main thread only makes the objects.
 *
 * A cut is made only before a line that starts, at column 0, a `class`, `def`, `async def` or a
 * decorator (not one after a decorator). When every piece parses without error, each piece ended
 * outside any bracket, string or block, so the whole file parses into the same top-level statements;
 * if any piece has an error the cut may have been inside a string, and the file is parsed whole on
 * the main thread. A tree cannot cross threads: files so parsed get theirs in idle time on the main
 * thread (`background-parse.ts`), so that their edits are re-parsed incrementally too.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface PieceRequest {
  readonly id: number;
  readonly text: string;
}

export interface PieceResult {
  readonly id: number;
  /** The piece's statements encoded (`syntax.ts`); null when it has a syntax error or the worker failed. */
  readonly words: Int32Array | null;
  readonly error?: string;
}

export interface PoolOptions {
  /** Below this many characters in all, files are parsed on the main thread (starting workers costs more). */
  readonly minTotalChars: number;
  /** Pieces are about this long (a file shorter than that is one piece). */
  readonly pieceChars: number;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { minTotalChars: 1 << 20, pieceChars: 1 << 19 };

const MAX_WORKERS = 4;
const CUT_BEFORE = ['\nclass ', '\ndef ', '\nasync def ', '\n@'];

/** Offsets where `text` may be cut, about `pieceChars` apart (see the module comment). */
export function cutPoints(text: string, pieceChars: number): number[] {
  const cuts: number[] = [];
  let from = pieceChars;
  while (from < text.length) {
    const found = CUT_BEFORE.map((s) => text.indexOf(s, from)).filter((i) => i >= 0);
    if (found.length === 0) break;
    const newline = Math.min(...found);
    const cut = newline + 1;
    const previousLine = text.lastIndexOf('\n', newline - 1) + 1;
    if (text[previousLine] !== '@') { cuts.push(cut); from = cut + pieceChars; } else from = cut;
  }
  return cuts;
}

function piecesOf(text: string, pieceChars: number): { text: string; shift: { index: number; row: number } }[] {
  const bounds = [0, ...cutPoints(text, pieceChars), text.length];
  const pieces = [];
  let row = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const piece = text.slice(bounds[i], bounds[i + 1]);
    pieces.push({ text: piece, shift: { index: bounds[i]!, row } });
    for (let n = piece.indexOf('\n'); n !== -1; n = piece.indexOf('\n', n + 1)) row++;
  }
  return pieces;
}

interface Job {
  readonly request: PieceRequest;
  readonly done: (words: Int32Array | null) => void;
}

/** Worker threads kept for the life of the process (they do not keep it alive when idle). */
export class ParsePool {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<Worker, Job>();
  private size = 0;
  private nextId = 1;
  private readonly capacity = Math.max(1, Math.min(availableParallelism(), MAX_WORKERS));

  /** `script`: the worker's entry (tests give one that fails). */
  constructor(private readonly script = path.join(__dirname, 'parse-worker.js')) {}

  /** The piece's statements encoded; null when it has a syntax error or the worker failed (the file is then parsed on the main thread). */

  parse(text: string): Promise<Int32Array | null> {
    return new Promise((done) => {
      this.queue.push({ request: { id: this.nextId++, text }, done });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.size < this.capacity ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      worker.ref();
      worker.postMessage(job.request);
    }
  }

  private spawn(): Worker {
    this.size++;
    const worker = new Worker(this.script);
    worker.on('message', (result: PieceResult) => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      job?.done(result.id === job.request.id ? result.words : null);
      this.dispatch();
    });
    // A worker that fails is dropped; its piece's file is parsed on the main thread instead.
    const drop = (): void => {
      const job = this.running.get(worker);
      this.running.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      if (this.size > 0) this.size--;
      worker.removeAllListeners();
      void worker.terminate();
      job?.done(null);
      this.dispatch();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    return worker;
  }
}

let pool: ParsePool | undefined;

/** A piece of a file being parsed: where it starts in the file, and its statements when parsed (null: not parsed). */
export interface PendingPiece {
  readonly shift: { readonly index: number; readonly row: number };
  readonly words: Promise<Int32Array | null>;
}

/**
 * Starts parsing each file's pieces on worker threads, in order; null for every file when they
 * are better parsed on the main thread (all files together are short).
 */
export function parseInPieces(texts: readonly string[], options: PoolOptions = DEFAULT_POOL_OPTIONS): (PendingPiece[] | null)[] {
  if (texts.reduce((n, t) => n + t.length, 0) < options.minTotalChars) return texts.map(() => null);
  pool ??= new ParsePool();
  const parsing = pool;
  return texts.map((text) => piecesOf(text, options.pieceChars).map((piece) => ({ shift: piece.shift, words: parsing.parse(piece.text) })));
}
