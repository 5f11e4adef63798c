import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CATALOG, RULE_ENTRIES, RULE_IDS, RULES } from '../../lambda/rules/catalog';

// Every catalog entry is complete and consistent: adding a rule is one folder plus one catalog line,
// so this is where a half-added rule is caught.
const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'lambda', 'rules');

/** The folders scripts/build-lambdas.mjs bundles: every lambda/rules/<dir>/handler.ts. */
const builtRules = readdirSync(RULES_DIR)
  .filter((d) => statSync(join(RULES_DIR, d)).isDirectory() && existsSync(join(RULES_DIR, d, 'handler.ts')))
  .sort();

describe('the rule catalog', () => {
  test('ids are unique, RULE_IDS and RULES follow the catalog order', () => {
    const ids = CATALOG.map((e) => e.definition.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(RULE_IDS).toEqual(ids);
    expect(RULES.map((r) => r.id)).toEqual(ids);
    expect(RULE_ENTRIES).toBe(CATALOG);
  });

  test('the build bundles exactly the catalog rules (one lambda/rules/<id>/handler.ts each)', () => {
    expect(builtRules).toEqual([...RULE_IDS].sort());
  });

  test('scan kinds are unique, and the account rule is the only account-scope entry', () => {
    const kinds = RULE_ENTRIES.map((e) => e.scan.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const e of RULE_ENTRIES) expect(e.scan.scope === 'account').toBe(e.definition.resourceType === 'AWS::::Account');
  });

  describe.each(RULE_ENTRIES.map((e) => [e.definition.id, e] as const))('%s', (id, entry) => {
    test('its folder is named by its id and holds the handler, its document exists', () => {
      expect(existsSync(join(RULES_DIR, id, 'handler.ts'))).toBe(true);
      expect(existsSync(join(ROOT, 'remediations', `${id}.yaml`))).toBe(true);
    });

    test("the scanner runs the handler's own rule, built on the same definition", () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const handler = require(join(RULES_DIR, id, 'handler.ts')) as { rule: unknown };
      expect(entry.scan.rule()).toBe(handler.rule);
      expect(entry.scan.rule().definition).toBe(entry.definition);
    });

    test('its IAM actions are unique, service-qualified, and include reporting its results', () => {
      expect(entry.actions).toContain('config:PutEvaluations');
      expect(new Set(entry.actions).size).toBe(entry.actions.length);
      for (const a of entry.actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
    });

    test('its scan label is words, its remediation is its own', () => {
      expect(entry.scan.label).toMatch(/^[A-Za-z ]+$/);
      expect(entry.remediation.id).toBe(id);
      expect(entry.remediation.resourceType).toBe(entry.definition.resourceType);
      // Account-level remediation has no resource id to bind; every other one does.
      expect(entry.remediation.resourceIdParameter === undefined).toBe(entry.scan.scope === 'account');
      expect(entry.remediation.grants.length).toBeGreaterThan(0);
    });

    test('its helper (if any) exists and its document names the helper parameter and the resource parameter', () => {
      const document = readFileSync(join(ROOT, 'remediations', `${id}.yaml`), 'utf8');
      const { helper, resourceIdParameter } = entry.remediation;
      if (resourceIdParameter) expect(document).toContain(`${resourceIdParameter}:`);
      if (helper) {
        expect(existsSync(join(ROOT, 'lambda', 'remediation', helper.entry, 'handler.ts'))).toBe(true);
        expect(document).toContain(`${helper.parameter}:`);
      }
    });

    test('its handler bundle holds none of the entry (definition only): no scan facts, remediation or catalog', async () => {
      const options = JSON.parse(readFileSync(join(ROOT, 'lib', 'esbuild-options.json'), 'utf8')) as Record<string, unknown>;
      const out = await build({ ...options, entryPoints: [join(RULES_DIR, id, 'handler.ts')], write: false, metafile: true, outfile: 'index.js', logLevel: 'silent' });
      const inputs = Object.keys(out.metafile!.inputs).filter((p) => p.startsWith('lambda/rules/'));
      expect(inputs).toContain(`lambda/rules/${id}/definition.ts`);
      for (const file of ['rule-entry.ts', 'scan.ts', 'remediation.ts', 'permissions.ts']) expect(inputs).not.toContain(`lambda/rules/${id}/${file}`);
      for (const file of ['catalog.ts', 'common/rule-entry.ts', 'common/remediation-spec.ts', 'common/scan-facts.ts']) expect(inputs).not.toContain(`lambda/rules/${file}`);
    });
  });
});
