import * as assert from 'node:assert/strict';
import { readTomlTable, TomlError } from '../../extension/project-config/toml-table';

function values(text: string): Record<string, unknown> | undefined {
  const table = readTomlTable(text, 'tool.attnlens');
  return table === undefined ? undefined : Object.fromEntries([...table].map(([k, e]) => [k, [e.value, e.line]]));
}

describe('TOML table reader (the [tool.attnlens] subset)', () => {
  it('reads strings, integers, booleans and arrays over lines, with comments and trailing commas', () => {
    const text = [
      '[project]', 'name = "demo"', 'description = """', '[tool.attnlens]', 'autocast = "float32"', '"""', '',
      '[ tool . attnlens ]  # ours', 'autocast = "bfloat16"  # the training default',
      "torch = '2.4'", 'gpu = 90', 'flag = true', 'big = 1_000',
      'exclude = [', '  "tests",  # not model code', "  'build/**',", ']',
      'esc = "a\\tb\\u00e9\\""', '',
      '[tool.other]', 'autocast = "float16"',
    ].join('\n');
    assert.deepEqual(values(text), {
      autocast: ['bfloat16', 9], torch: ['2.4', 10], gpu: [90, 11], flag: [true, 12], big: [1000, 13],
      exclude: [['tests', 'build/**'], 14], esc: ['a\tbé"', 18],
    });
  });

  it('finds no table where there is none, or only inside a multi-line string', () => {
    assert.equal(values('[tool.ruff]\nline-length = 100\n'), undefined);
    assert.equal(values("x = '''\n[tool.attnlens]\n'''\n"), undefined);
    assert.deepEqual(values('[tool.attnlens]\n'), {});
    assert.equal(values('[tool.attnlens.extra]\nx = 1\n[tool.attnlens-x]\n'), undefined);
  });

  const bad: [string, string][] = [
    ['[tool.attnlens]\nautocast = float16', 'line 2: expected a string, an integer, true, false or an array'],
    ['[tool.attnlens]\n\nautocast = "float16', 'line 3: unterminated string'],
    ['[tool.attnlens]\ngpu = 90 80', 'line 2: expected the end of the line after the value'],
    ['[tool.attnlens]\ngpu = 90\ngpu = 80', "line 3: 'gpu' is given twice"],
    ['[tool.attnlens]\ninstalled.flash = true', "line 2: dotted keys are not supported: write 'installed' as a plain key"],
    ['[tool.attnlens]\nx = { a = 1 }', 'line 2: expected a string, an integer, true, false or an array'],
    ['[tool.attnlens]\nx = """a"""', 'line 2: multi-line strings are not supported here'],
    ['[tool.attnlens]\nx = ["a" "b"]', "line 2: expected ']'"],
    ['[tool.attnlens]\nx = 1__0', "line 2: '1__0' is not a valid integer"],
    ['[tool.attnlens\nautocast = "bfloat16"', "line 1: '[tool.attnlens' is not a table header: write [tool.attnlens] alone on its line"],
    ['[tool.attnlens] autocast = "bfloat16"', "line 1: '[tool.attnlens] autocast = \"bfloat16\"' is not a table header: write [tool.attnlens] alone on its line"],
    ['[project]\nname = "m"\n[[tool.attnlens]]', "line 3: '[[tool.attnlens]]' is not a table header: write [tool.attnlens] alone on its line"],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text.split('\n').at(-1))} with its line`, () => {
      assert.throws(() => readTomlTable(text, 'tool.attnlens'), (err: unknown) => err instanceof TomlError && err.message === message);
    });
  }
});
