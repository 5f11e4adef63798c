import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { RULE_IDS } from '../../lambda/rules/catalog';

// Issue 17: a rule is one folder plus one catalog line. Outside lambda/rules/, product code reads rules
// from the catalog and never names one; comments may. cli/demo/ is a scripted storyline over specific
// rules (a named instance, a named launch template, ...), so it names them on purpose.
const ROOT = join(__dirname, '..', '..');
const SCANNED = ['lambda', 'lib', 'cli'];
const EXEMPT = [join('lambda', 'rules') + sep, join('cli', 'demo') + sep];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The file's code without its comments, as the TypeScript printer emits it (strings and templates untouched). */
function code(path: string): string {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(source);
}

// No id is part of another, so a substring match is exact enough (and also catches `org-imdsv2-instance`).
function ruleIdsIn(text: string): string[] {
  return RULE_IDS.filter((id) => text.includes(id));
}

const productFiles = SCANNED.flatMap((d) => tsFiles(join(ROOT, d)))
  .map((p) => relative(ROOT, p))
  .filter((p) => !EXEMPT.some((e) => p.startsWith(e)));

describe('no product file outside lambda/rules/ names a rule id in code', () => {
  test('the files scanned are the product code (lib/, cli/, lambda/kit/ and lambda/remediation/), the catalog has its rules', () => {
    expect(RULE_IDS.length).toBeGreaterThanOrEqual(5);
    expect(productFiles).toEqual(expect.arrayContaining([join('lib', 'imdsv2-guard-stack.ts'), join('cli', 'scan', 'scanner.ts'), join('lambda', 'kit', 'run-rule.ts')]));
    expect(productFiles.some((p) => p.startsWith(join('cli', 'demo')))).toBe(false);
  });

  test('the check sees an id in code and ignores one in a comment', () => {
    // Each rule's definition names its id in code.
    for (const id of RULE_IDS) expect(ruleIdsIn(code(join(ROOT, 'lambda', 'rules', id, 'definition.ts')))).toEqual([id]);
    // lib/imdsv2-rule.ts names one in a doc comment only.
    const path = join(ROOT, 'lib', 'imdsv2-rule.ts');
    expect(ruleIdsIn(readFileSync(path, 'utf8')).length).toBeGreaterThan(0);
    expect(ruleIdsIn(code(path))).toEqual([]);
  });

  test.each(productFiles)('%s', (path) => {
    expect(ruleIdsIn(code(join(ROOT, path)))).toEqual([]);
  });
});
