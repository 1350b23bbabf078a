/**
 * The SARIF 2.1.0 properties a log must have (OASIS SARIF 2.1.0, §3.13 sarifLog, §3.14 run,
 * §3.18 tool, §3.19 toolComponent, §3.49 reportingDescriptor, §3.27 result, §3.28 location,
 * §3.29 physicalLocation, §3.30 region, §3.55 fix, §3.56 artifactChange, §3.57 replacement).
 * Returns what is wrong, by JSON path; empty when the log is well formed.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInteger = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;

function isAbsoluteUri(v: unknown): boolean {
  try {
    return typeof v === 'string' && new URL(v).protocol !== '';
  } catch {
    return false;
  }
}

export function sarifStructureErrors(log: unknown): string[] {
  const errors: string[] = [];
  const need = (ok: boolean, where: string, what: string) => { if (!ok) errors.push(`${where}: ${what}`); };
  if (!isObject(log)) return ['$: not an object'];
  need(log['version'] === '2.1.0', '$.version', 'must be "2.1.0"');
  const runs = log['runs'];
  if (!Array.isArray(runs)) return [...errors, '$.runs: must be an array'];
  runs.forEach((run: unknown, r) => {
    const at = `$.runs[${r}]`;
    if (!isObject(run)) return void errors.push(`${at}: not an object`);
    const driver = isObject(run['tool']) ? run['tool']['driver'] : undefined;
    if (!isObject(driver)) return void errors.push(`${at}.tool.driver: required object`);
    need(typeof driver['name'] === 'string' && driver['name'] !== '', `${at}.tool.driver.name`, 'required string');
    if (run['columnKind'] !== undefined) need(['utf16CodeUnits', 'unicodeCodePoints'].includes(run['columnKind'] as string), `${at}.columnKind`, 'bad value');
    const rules = Array.isArray(driver['rules']) ? driver['rules'] as unknown[] : [];
    rules.forEach((rule, i) => {
      need(isObject(rule) && typeof rule['id'] === 'string', `${at}.tool.driver.rules[${i}].id`, 'required string');
      if (isObject(rule) && rule['helpUri'] !== undefined) need(isAbsoluteUri(rule['helpUri']), `${at}.tool.driver.rules[${i}].helpUri`, 'must be an absolute URI');
    });
    const results = run['results'];
    if (results === undefined) return;
    if (!Array.isArray(results)) return void errors.push(`${at}.results: must be an array`);
    results.forEach((result: unknown, i) => checkResult(result, `${at}.results[${i}]`, rules, need));
  });
  return errors;
}

type Need = (ok: boolean, where: string, what: string) => void;

function checkResult(result: unknown, at: string, rules: readonly unknown[], need: Need): void {
  if (!isObject(result)) return need(false, at, 'not an object');
  const message = result['message'];
  need(isObject(message) && (typeof message['text'] === 'string' || typeof message['id'] === 'string'), `${at}.message`, 'required, with text or id');
  if (result['level'] !== undefined) need(['none', 'note', 'warning', 'error'].includes(result['level'] as string), `${at}.level`, 'bad value');
  if (result['ruleIndex'] !== undefined) {
    const rule = rules[result['ruleIndex'] as number];
    need(isObject(rule) && rule['id'] === result['ruleId'], `${at}.ruleIndex`, 'must index the rule named by ruleId');
  }
  const locations = Array.isArray(result['locations']) ? result['locations'] as unknown[] : [];
  locations.forEach((location, i) => {
    const physical = isObject(location) ? location['physicalLocation'] : undefined;
    if (!isObject(physical)) return need(false, `${at}.locations[${i}].physicalLocation`, 'expected object');
    checkArtifact(physical['artifactLocation'], `${at}.locations[${i}].physicalLocation.artifactLocation`, need);
    checkRegion(physical['region'], `${at}.locations[${i}].physicalLocation.region`, need);
  });
  const fixes = Array.isArray(result['fixes']) ? result['fixes'] as unknown[] : [];
  fixes.forEach((fix, f) => {
    const changes = isObject(fix) ? fix['artifactChanges'] : undefined;
    if (!Array.isArray(changes) || changes.length === 0) return need(false, `${at}.fixes[${f}].artifactChanges`, 'required non-empty array');
    changes.forEach((change: unknown, c) => {
      const where = `${at}.fixes[${f}].artifactChanges[${c}]`;
      if (!isObject(change)) return need(false, where, 'not an object');
      checkArtifact(change['artifactLocation'], `${where}.artifactLocation`, need);
      const replacements = change['replacements'];
      if (!Array.isArray(replacements) || replacements.length === 0) return need(false, `${where}.replacements`, 'required non-empty array');
      replacements.forEach((replacement: unknown, p) => {
        checkRegion(isObject(replacement) ? replacement['deletedRegion'] : undefined, `${where}.replacements[${p}].deletedRegion`, need);
      });
    });
  });
}

function checkArtifact(artifact: unknown, at: string, need: Need): void {
  need(isObject(artifact) && typeof artifact['uri'] === 'string', `${at}.uri`, 'required string');
  if (isObject(artifact) && artifact['uriBaseId'] === undefined) need(isAbsoluteUri(artifact['uri']), `${at}.uri`, 'without uriBaseId it must be absolute');
}

function checkRegion(region: unknown, at: string, need: Need): void {
  if (!isObject(region)) return need(false, at, 'required object');
  need(isPositiveInteger(region['startLine']), `${at}.startLine`, 'integer >= 1');
  for (const key of ['startColumn', 'endLine', 'endColumn']) {
    if (region[key] !== undefined) need(isPositiveInteger(region[key]), `${at}.${key}`, 'integer >= 1');
  }
  if (typeof region['endLine'] === 'number') need(region['endLine'] >= (region['startLine'] as number), `${at}.endLine`, 'before startLine');
  if (region['endLine'] === region['startLine'] && typeof region['endColumn'] === 'number') {
    need(region['endColumn'] >= (region['startColumn'] as number), `${at}.endColumn`, 'before startColumn');
  }
}
