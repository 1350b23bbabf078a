/**
 * `check`'s analysis, one run per project: files under different pyproject.toml files may state
 * different settings, so each project's files are analysed together under its settings (the flags
 * over its [tool.attnlens] over the defaults). Reports come back in the files' order.
 */
import { analyzeFiles, type SourceFile } from '../analysis/index';
import type { AnalysisSettings, FileReport } from '../analysis/report';
import type { ProjectConfigFinder } from '../project-config/find-project-config';
import { projectAnalysisSettings, type ProjectConfig } from '../project-config/project-config';
import { DEFAULT_SETTINGS } from './settings-flags';

export async function analyzeByProject(sources: readonly SourceFile[], finder: ProjectConfigFinder, flags: Partial<AnalysisSettings>): Promise<FileReport[]> {
  const projects = new Map<string, { config: ProjectConfig | undefined; sources: SourceFile[] }>();
  for (const source of sources) {
    const config = await finder.forFile(source.path);
    const key = config?.file ?? '';
    const project = projects.get(key) ?? { config, sources: [] };
    project.sources.push(source);
    projects.set(key, project);
  }
  const reports = new Map<string, FileReport>();
  for (const { config, sources: files } of projects.values()) {
    const settings = { ...projectAnalysisSettings(config, DEFAULT_SETTINGS), ...flags };
    for (const report of await analyzeFiles(files, settings)) reports.set(report.path, report);
  }
  return sources.map((source) => reports.get(source.path)!);
}
