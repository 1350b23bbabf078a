/** package.json's commands and settings as VS Code shows them (the manifest is what users see first). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** Words VS Code's own command titles keep in lower case inside a Title Case title. */
const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

describe('extension manifest', () => {
  it('gives every command a Title Case title in the "Attention Lens" category', () => {
    for (const command of pkg.contributes.commands as { command: string; title: string; category: string }[]) {
      assert.equal(command.category, 'Attention Lens', command.command);
      const wrong = command.title.split(' ').filter((w, i) => !(i > 0 && MINOR_WORDS.has(w)) && !/^[A-Z]/.test(w));
      assert.deepEqual(wrong, [], `${command.command}: "${command.title}"`);
    }
  });

  it('contributes exactly the commands the client registers', () => {
    const source = fs.readFileSync(path.join(ROOT, 'extension/client/commands.ts'), 'utf8');
    const table = source.slice(source.indexOf('export const COMMANDS'));
    const registered = [...table.matchAll(/'(attnlens\.\w+)':/g)].map((m) => m[1]).sort();
    assert.deepEqual(pkg.contributes.commands.map((c: { command: string }) => c.command).sort(), registered);
  });

  it('titles its settings "Attention Lens", and its id starts with their prefix so the Settings editor drops "Attnlens ›"', () => {
    // VS Code's settings editor trims a setting's category where it matches a part of the extension's
    // id (publisher.name): `attnlens.annotations.enabled` shows as "Annotations: Enabled".
    assert.equal(pkg.contributes.configuration.title, 'Attention Lens');
    assert.equal(pkg.publisher, 'attnlens');
    assert.ok(Object.keys(pkg.contributes.configuration.properties).every((key) => key.startsWith(`${pkg.publisher}.`)));
  });
});
