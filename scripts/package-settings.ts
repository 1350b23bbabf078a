/**
 * package.json's `contributes.configuration.properties`, generated from the server's settings schema
 * (the one list). `node out/scripts/package-settings.js --write` updates package.json; a test checks
 * that package.json matches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_SCHEMA } from '../extension/server/settings';

export function packageSettings(): Record<string, object> {
  return Object.fromEntries(Object.entries(SETTINGS_SCHEMA).map(([key, spec]) => [`attnlens.${key}`, { ...spec, scope: 'resource' }]));
}

if (require.main === module && process.argv.includes('--write')) {
  const file = path.resolve(__dirname, '../../package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.contributes.configuration.properties = packageSettings();
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
