/**
 * Whole-file parses in idle time, for files opened in pieces (`parse-pool.ts`). Their statements
 * come from the workers, but a tree-sitter tree cannot cross threads, and without one a file's first
 * edit would parse it whole on the main thread (≈ 1 s for 100 000 lines). So, once they are open,
 * each is parsed on the main thread in slices of a few milliseconds (a parse suspended by its
 * progress callback resumes where it stopped), one `setImmediate` turn each, so requests and edits
 * are served in between. An edit that comes first finishes its file's parse at once: it pays only
 * what was left.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import { separatePythonParser } from './parser';

/** How long one slice may keep the main thread. */
const SLICE_MS = 5;

interface Job {
  readonly path: string;
  readonly text: string;
}

export class BackgroundParses {
  private parser: Parser | null = null;
  /** Files to parse, in order; the first is the one whose parse may be suspended half-way. */
  private readonly queue: Job[] = [];
  private started = false;
  private timer: NodeJS.Immediate | null = null;
  private waiting: (() => void)[] = [];

  /** `done` receives each finished tree (it owns it from then on). */
  constructor(private readonly shared: Parser, private readonly done: (path: string, text: string, tree: Tree) => void, private readonly sliceMs = SLICE_MS) {}

  add(path: string, text: string): void {
    this.cancel(path);
    this.queue.push({ path, text });
    this.schedule();
  }

  /** Forget the file's parse (closed, or edited by someone who parses it otherwise). */
  cancel(path: string): void {
    const at = this.queue.findIndex((j) => j.path === path);
    if (at < 0) return;
    if (at === 0 && this.started) { this.parser!.reset(); this.started = false; }
    this.queue.splice(at, 1);
    this.settleIfIdle();
  }

  /**
   * The tree of `text` for `path`, its parse finished now (the rest of a suspended one); null when
   * no parse of that text is pending, or another file's parse is under way (resetting it would waste
   * what it did: the caller parses the file itself, as it would have anyway).
   */
  finish(path: string, text: string): Tree | null {
    const at = this.queue.findIndex((j) => j.path === path);
    if (at < 0 || this.queue[at]!.text !== text || (at > 0 && this.started)) { this.cancel(path); return null; }
    this.queue.unshift(...this.queue.splice(at, 1));
    const tree = this.step(Infinity);
    if (!tree) this.parser!.reset();
    this.queue.shift();
    this.started = false;
    this.settleIfIdle();
    return tree;
  }

  /** Resolves once no parse is pending. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  dispose(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    this.queue.length = 0;
    this.parser?.delete();
    this.parser = null;
    this.started = false;
    this.settleIfIdle();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setImmediate(() => {
      this.timer = null;
      const job = this.queue[0];
      if (!job) return;
      const tree = this.step(this.sliceMs);
      if (tree) {
        this.queue.shift();
        this.started = false;
        this.done(job.path, job.text, tree);
        this.settleIfIdle();
      }
      this.schedule();
    });
  }

  /** Parse the first job's text for up to `ms` (resuming a suspended parse); its tree when done. */
  private step(ms: number): Tree | null {
    this.parser ??= separatePythonParser(this.shared);
    const deadline = performance.now() + ms;
    const tree = this.parser.parse(this.queue[0]!.text, null, ms === Infinity ? undefined : { progressCallback: () => performance.now() > deadline });
    this.started = tree === null;
    return tree;
  }

  private settleIfIdle(): void {
    if (this.queue.length > 0) return;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
