/**
 * Measured latencies kept on disk (the extension's global storage) so that reopening a file shows
 * them at once. One JSON file; keys name the adapter and the job, so another GPU measures afresh.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchmarkRow } from '../protocol';

export interface MeasurementStore {
  load(): Map<string, BenchmarkRow>;
  save(entries: ReadonlyMap<string, BenchmarkRow>): void;
}

const FORMAT_VERSION = 1;

export function fileStore(directory: string, log: (message: string) => void): MeasurementStore {
  const file = path.join(directory, 'measurements.json');
  return {
    load() {
      try {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; entries?: Record<string, BenchmarkRow> };
        return parsed.version === FORMAT_VERSION && parsed.entries !== undefined ? new Map(Object.entries(parsed.entries)) : new Map();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`measurement cache ${file} unreadable, starting empty: ${String(err)}`);
        return new Map();
      }
    },
    save(entries) {
      try {
        fs.mkdirSync(directory, { recursive: true });
        fs.writeFileSync(file, JSON.stringify({ version: FORMAT_VERSION, entries: Object.fromEntries(entries) }));
      } catch (err) {
        log(`could not write the measurement cache ${file}: ${String(err)}`);
      }
    },
  };
}
