/**
 * The analysis' public entry points. Pure with respect to the file system: callers pass source
 * text in; the CLI and the language server do the reading.
 * (Being implemented; these signatures are the contract the CLI and the server code against.)
 */
import type { AnalysisSettings, FileReport } from './report';

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Analyse a set of files together (callers in one file inform calls in another). */
export async function analyzeFiles(files: readonly SourceFile[], settings: AnalysisSettings): Promise<FileReport[]> {
  void files; void settings;
  throw new Error('analyzeFiles() is not implemented yet');
}
