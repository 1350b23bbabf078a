/**
 * package.json's `contributes.configuration.properties`, generated from the server's settings schema
 * (the one list) and the client's own settings. `node out/scripts/package-settings.js --write`
 * updates package.json; a test checks that package.json matches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTINGS_SCHEMA } from '../extension/server/settings';

/** Settings the VS Code client reads itself: vscode-languageclient traces the protocol by `<client id>.trace.server`. */
const CLIENT_SETTINGS: Record<string, object> = {
  'attnlens.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    description: 'Log the messages between VS Code and the Attention Lens language server (Attention Lens: Show Logs).',
    scope: 'window',
  },
};

export function packageSettings(): Record<string, object> {
  const server = Object.entries(SETTINGS_SCHEMA).map(([key, spec]) => [`attnlens.${key}`, { ...spec, scope: 'resource' }]);
  return { ...Object.fromEntries(server), ...CLIENT_SETTINGS };
}

if (require.main === module && process.argv.includes('--write')) {
  const file = path.resolve(__dirname, '../../package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.contributes.configuration.properties = packageSettings();
  fs.writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
