/**
 * Imports resolved to files by package path, as Python would: dotted module names from a root
 * (the deepest common folder above any package, `src/` layouts), absolute imports against the root
 * and the importing file's folder, relative imports against the importing module's package, package
 * re-exports, `import a.b.c` / `import a.b as m` / `from pkg import submodule`. The fixture
 * `repo-layout/` has two `attention.py`, two `blocks.py` and two `utils.py` in different packages.
 */
import * as assert from 'node:assert/strict';
import type { CallSite } from '../../extension/analysis/call-facts/call-sites';
import { ModuleResolver } from '../../extension/analysis/interpreter/import-resolution';
import type { ModuleInfo } from '../../extension/analysis/workspace-index/module-index';
import { resolveLineMarks } from '../../extension/analysis/syntax/positions';
import type { Mode } from '../../runtime/dispatch/facts';
import { analyzeFiles } from '../../extension/analysis/index';
import { annotate, qAndMode, readFixture, SETTINGS, sitesOf, told } from './helpers';

const DIR = 'repo-layout';
const PACKAGE = [
  'vision/__init__.py', 'vision/models/__init__.py', 'vision/models/var.py', 'vision/models/blocks.py', 'vision/models/attention.py',
  'vision/models/utils.py', 'vision/layers/__init__.py', 'vision/layers/blocks.py', 'vision/layers/attention.py', 'vision/layers/utils.py',
].map((f) => `${DIR}/${f}`);
const SCRIPTS = [`${DIR}/train.py`, `${DIR}/sample.py`];

/** Where q's dtype comes from and what starts the paths reaching the call, per path kind. */
function sources(site: CallSite, mode: Mode): string[] {
  return [qAndMode(site, mode)[0], ...new Set(site.modes[mode].observations.map((o) => resolveLineMarks(o.ctx.mode.source)))];
}

const FLASH = [
  'repo-layout/vision/layers/attention.py:18:16 flash_attn_func Attention.forward',
  '  train reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=8 D=64 → fa2',
  '  infer reached=true bf16,bf16,bf16 mask=none causal=true p=0 layout=BLHD H=8 D=64 → fa2',
];
const SDPA = [
  'repo-layout/vision/models/attention.py:20:16 sdpa Attention.forward',
  '  train reached=true fp32,fp32,fp32 mask=float causal=false p=0 layout=BHLD H=8 D=64 → efficient (flash off: attn_mask is not None)',
  '  infer reached=true fp32,fp32,fp32 mask=float causal=false p=0 layout=BHLD H=8 D=64 → efficient (flash off: attn_mask is not None)',
  '  mask-disables-flash information train 20:66 Flash is off on the training path: `bias` is a float tensor (`zeros` at utils.py:5); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
  '  mask-disables-flash information infer 20:66 Flash is off on the inference path: `bias` is a float tensor (`zeros` at utils.py:5); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel',
];

describe('analysis: imports resolved by package path', () => {
  it('tells same-stem modules apart: each Attention, blocks and utils is the one its import names', async () => {
    // train.py: `import vision.models as models; models.VAR()` (re-exported by models/__init__.py);
    // var.py: `from . import blocks` (models/blocks.py: `from .attention import Attention`, the SDPA
    // one) and `from ..layers import CrossBlock` (re-exported; layers/blocks.py: `import
    // vision.layers.attention`, the flash-attn one); models/attention.py takes `cast` from
    // `vision.models.utils` (`.float()`), layers/attention.py from `from . import utils` (bfloat16).
    const sites = await sitesOf([...SCRIPTS, ...PACKAGE]);
    assert.deepEqual(annotate(sites), [...FLASH, ...SDPA]);
    assert.deepEqual(sources(sites[0]!, 'train'), ['bfloat16 from `.to()` at utils.py:5 (`torch.bfloat16`)', '`.backward()` at module level of train.py']);
    assert.deepEqual(sources(sites[0]!, 'infer'), ['bfloat16 from `.to()` at utils.py:5 (`torch.bfloat16`)', '`torch.no_grad()` at sample.py:5']);
    assert.deepEqual(sources(sites[1]!, 'train'), ['float32 from `.float()` at utils.py:9', '`.backward()` at module level of train.py']);
    assert.deepEqual(sources(sites[1]!, 'infer'), ['float32 from `.float()` at utils.py:9', '`torch.no_grad()` at sample.py:5']);
  });

  it('names same-name files in messages by the folder that tells them apart, other files by their name', async () => {
    const files = [...SCRIPTS, ...PACKAGE];
    const reports = await analyzeFiles(files.map((path) => ({ path, text: readFixture(path) })), SETTINGS);
    const lines = reports.flatMap((r) => r.calls.flatMap((c) => [
      `${r.path}:${c.span.line}`,
      ...(['train', 'infer'] as const).map((m) => `  ${m}: q ${told(c.modes[m].facts.dtypes.q)}; ${told(c.modes[m].facts.mode)}`),
      ...c.findings.map((f) => `  ${f.code} ${f.mode}: ${f.message}`),
    ]));
    const flashOff = (mode: string): string => `Flash is off on the ${mode} path: \`bias\` is a float tensor (\`zeros\` at models/utils.py:5); "Flash Attention does not support non-null attn_mask." — SDPA falls back to the memory-efficient or math kernel`;
    assert.deepEqual(lines, [
      'repo-layout/vision/models/attention.py:20',
      '  train: q float32 | `.float()` at models/utils.py:9; train | `.backward()` at module level of train.py',
      '  infer: q float32 | `.float()` at models/utils.py:9; infer | `torch.no_grad()` at sample.py:5',
      `  mask-disables-flash train: ${flashOff('training')}`,
      `  mask-disables-flash infer: ${flashOff('inference')}`,
      'repo-layout/vision/layers/attention.py:18',
      '  train: q bfloat16 | `.to()` at layers/utils.py:5 (`torch.bfloat16`); train | `.backward()` at module level of train.py',
      '  infer: q bfloat16 | `.to()` at layers/utils.py:5 (`torch.bfloat16`); infer | `torch.no_grad()` at sample.py:5',
    ]);
  });

  it('names the package the same when it is given without the scripts (the root moves above `vision/`)', async () => {
    const sites = await sitesOf(PACKAGE);
    const lines = annotate(sites);
    assert.deepEqual([lines[0], lines[3]], [FLASH[0], SDPA[0]]);
    assert.deepEqual([qAndMode(sites[0]!, 'train')[0], qAndMode(sites[1]!, 'train')[0]], ['bfloat16 from `.to()` at utils.py:5 (`torch.bfloat16`)', 'float32 from `.float()` at utils.py:9']);
  });
});

/** A module with the classes and imports named (enough for resolution). */
function mod(path: string, classes: readonly string[] = [], imports: Record<string, string> = {}, dotted: Record<string, string> = {}): ModuleInfo {
  return {
    path, imports: new Map(Object.entries(imports)), dottedImports: new Map(Object.entries(dotted)),
    classes: new Map(classes.map((c) => [c, { id: `${path}:${c}` }])), functions: new Map(),
  } as unknown as ModuleInfo;
}

describe('import resolution rules', () => {
  it('a single folder of files: `from model import Net` finds model.py beside', () => {
    const model = mod('model.py', ['Net']); const train = mod('train.py');
    const r = new ModuleResolver([model, train]);
    assert.deepEqual(r.value(train, 'model.Net'), { t: 'class', id: 'model.py:Net' });
    assert.equal(r.dottedName(model), 'model');
  });

  it('dotted names: from the deepest common folder above any package, `src/` layouts from `src/`', () => {
    const files = [mod('/r/src/pkg/__init__.py'), mod('/r/src/pkg/model.py', ['Net']), mod('/r/scripts/train.py'), mod('/r/ns/attention.py')];
    const r = new ModuleResolver(files);
    assert.deepEqual(files.map((m) => r.dottedName(m)), ['pkg', 'pkg.model', 'scripts.train', 'ns.attention']);
    assert.deepEqual(r.value(files[2]!, 'pkg.model.Net'), { t: 'class', id: '/r/src/pkg/model.py:Net' });
    // A package given alone keeps its name.
    const alone = [mod('models/__init__.py', [], { VAR: '.var.VAR' }), mod('models/var.py', ['VAR'])];
    const r2 = new ModuleResolver(alone);
    assert.deepEqual(alone.map((m) => r2.dottedName(m)), ['models', 'models.var']);
    assert.deepEqual(r2.value(mod('x.py'), 'models.VAR'), { t: 'class', id: 'models/var.py:VAR' });
  });

  it('a script in a plain folder imports from its folder first, a module of a package from the root first', () => {
    const files = [mod('p/utils.py', ['Root']), mod('p/scripts/utils.py', ['Beside']), mod('p/scripts/train.py'), mod('p/pkg/__init__.py'), mod('p/pkg/utils.py', ['Pkg']), mod('p/pkg/a.py')];
    const r = new ModuleResolver(files);
    assert.deepEqual(r.value(files[2]!, 'utils.Beside'), { t: 'class', id: 'p/scripts/utils.py:Beside' });
    assert.deepEqual(r.value(files[2]!, 'utils'), { t: 'ref', name: 'scripts.utils' });
    assert.deepEqual(r.value(files[5]!, 'utils.Root'), { t: 'class', id: 'p/utils.py:Root' });
    assert.deepEqual(r.value(files[5]!, 'utils'), { t: 'ref', name: 'utils' });
  });

  it('relative imports: `.`, `..`, a package re-export, `from . import submodule`', () => {
    const files = [
      mod('v/models/__init__.py', [], { VAR: '.var.VAR' }), mod('v/models/var.py', ['VAR']), mod('v/models/attention.py', ['Attention']),
      mod('v/layers/__init__.py', [], { Block: '.blocks.Block' }), mod('v/layers/blocks.py', ['Block']), mod('v/layers/attention.py', ['Attention']),
    ];
    const r = new ModuleResolver(files);
    const varPy = files[1]!;
    assert.deepEqual(r.value(varPy, '.attention.Attention'), { t: 'class', id: 'v/models/attention.py:Attention' });
    assert.deepEqual(r.value(varPy, '..layers.Block'), { t: 'class', id: 'v/layers/blocks.py:Block' });
    assert.deepEqual(r.value(varPy, '..layers.attention.Attention'), { t: 'class', id: 'v/layers/attention.py:Attention' });
    assert.deepEqual(r.value(varPy, '.attention'), { t: 'ref', name: 'models.attention' });
    assert.deepEqual(r.value(files[4]!, '.attention.Attention'), { t: 'class', id: 'v/layers/attention.py:Attention' });
    assert.deepEqual(r.value(mod('v/train.py'), 'models.VAR'), { t: 'class', id: 'v/models/var.py:VAR' });
    assert.equal(r.imported(varPy, '..layers.Block')?.path, 'v/layers/__init__.py');
  });

  it('`import a.b.c` binds `a`, `import a.b as m` the module, and attributes reach the module', () => {
    const files = [mod('r/vision/__init__.py'), mod('r/vision/layers/attention.py', ['Attention']), mod('r/train.py')];
    const r = new ModuleResolver(files);
    const top = r.value(files[2]!, 'vision', 'vision.layers.attention');
    assert.deepEqual(top, { t: 'ref', name: 'vision' });
    // `vision` is a package, `vision.layers` a namespace package (no module): the caller keeps the dotted name.
    assert.equal(r.member('vision', 'layers'), undefined);
    assert.deepEqual(r.member('vision.layers.attention', 'Attention'), { t: 'class', id: 'r/vision/layers/attention.py:Attention' });
    assert.deepEqual(r.value(files[2]!, 'vision.layers.attention'), { t: 'ref', name: 'vision.layers.attention' });
  });

  it('when the files do not say where the root is, the nearest module whose path ends so; library names stay libraries', () => {
    const files = [mod('a/x/attention.py', ['Near']), mod('b/attention.py', ['Far']), mod('a/blocks.py'), mod('a/x/nn/functional.py', ['F'])];
    const r = new ModuleResolver(files);
    assert.deepEqual(r.value(files[2]!, 'attention.A'), { t: 'ref', name: 'attention.A' });
    assert.deepEqual(r.value(files[2]!, 'attention.Near'), { t: 'class', id: 'a/x/attention.py:Near' });
    assert.deepEqual(r.value(mod('b/y/z.py'), 'attention.Far'), { t: 'class', id: 'b/attention.py:Far' });
    assert.deepEqual(r.value(files[2]!, 'torch.nn.functional'), { t: 'ref', name: 'torch.nn.functional' });
    assert.equal(r.imported(files[2]!, 'torch.nn.attention.sdpa_kernel'), undefined);
  });
});
