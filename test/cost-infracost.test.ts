/**
 * `--format infracost`: stagekit bills in Infracost's JSON output format, validated against infracost's own
 * published JSON schema (vendored in data/schemas with its source and commit), with decimal strings, and with
 * holes kept as holes (priceNotFound, null totals) rather than zeros.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { priceTemplate } from '../cost/aws/engine';
import { decimal, infracostJson } from '../cost/infracost';
import { usageFromPlan } from '../cost/usage';
import { ROOT } from './support/paths';
import { awsTemplate, stagePlan } from './support/stages';

/** ajv 8 has no draft-04 meta-schema: drop the `$schema` markers (the schema uses no draft-04-only keyword). */
function withoutSchemaMarkers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSchemaMarkers);
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$schema').map(([k, v]) => [k, withoutSchemaMarkers(v)]));
  return node;
}

const schema = JSON.parse(readFileSync(join(ROOT, 'data/schemas/infracost.schema.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(withoutSchemaMarkers(schema) as object);
const valid = (doc: unknown): string => (validate(doc) ? 'valid' : ajv.errorsText(validate.errors));

describe('infracost JSON output', () => {
  test('the vendored schema is infracost\'s output schema (Root with projects, breakdown, cost components)', () => {
    expect(schema.$ref).toBe('#/definitions/Root');
    expect(schema.definitions.CostComponent.required).toEqual(['name', 'unit', 'hourlyQuantity', 'monthlyQuantity', 'price', 'hourlyCost', 'monthlyCost', 'priceNotFound']);
    // The validator is not vacuous: a cost as a number instead of a decimal string fails.
    expect(valid({ ...infracostJson([]), totalMonthlyCost: 12.5 })).toMatch(/totalMonthlyCost must be string,null/);
  });

  test('a synthesized stage\'s AWS bill validates, with decimal strings that add up', () => {
    const bill = priceTemplate(awsTemplate('read-replicas'), { region: 'us-east-1', usage: usageFromPlan(stagePlan('read-replicas')) });
    const doc: any = infracostJson([{ name: 'stagekit/read-replicas/aws', bill }], { generatedAt: new Date('2026-12-02T00:00:00Z') });
    expect(valid(doc)).toBe('valid');
    expect(doc).toMatchObject({ version: '0.2', currency: 'USD', timeGenerated: '2026-12-02T00:00:00.000Z' });
    const project = doc.projects[0];
    expect(project.breakdown.resources.length).toBeGreaterThan(5);
    const components = project.breakdown.resources.flatMap((r: any) => r.costComponents);
    for (const c of components) for (const k of ['price', 'monthlyCost', 'monthlyQuantity']) if (c[k] !== null) expect(c[k]).toMatch(/^-?\d+(\.\d+)?$/);
    const sum = project.breakdown.resources.reduce((s: number, r: any) => s + Number(r.monthlyCost ?? 0), 0);
    expect(bill.complete).toBe(true);
    expect(Number(doc.totalMonthlyCost)).toBeCloseTo(sum, 2);
    expect(Number(doc.totalMonthlyCost)).toBeCloseTo(bill.totalMonthlyCost, 4);
    expect(project.breakdown.freeResources.length).toBe(bill.resources.filter((r) => r.status === 'free').length);
  });

  test('what could not be priced stays a hole: priceNotFound and null costs; an incomplete bill has null totals and a warning', () => {
    const bill = priceTemplate(
      { Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceClass: 'db.nonexistent.large', AllocatedStorage: 20 } } } },
      { region: 'us-east-1' },
    );
    const doc: any = infracostJson([{ name: 'db', bill }]);
    expect(valid(doc)).toBe('valid');
    const db = doc.projects[0].breakdown.resources.find((r: any) => r.name === 'Db');
    expect(db.costComponents[0]).toMatchObject({ priceNotFound: true, price: null, monthlyCost: null });
    expect(bill.complete).toBe(false);
    expect(doc.totalMonthlyCost).toBeNull();
    expect(doc.projects[0].breakdown.totalMonthlyCost).toBeNull();
    expect(doc.projects[0].metadata.warnings[0].message).toMatch(/incomplete bill, no total: database Db not priced/);
  });

  test('decimal strings have no exponent and no float noise beyond 10 places', () => {
    expect(decimal(0.1 + 0.2)).toBe('0.3');
    expect(decimal(1e-7)).toBe('0.0000001');
    expect(decimal(1234.5)).toBe('1234.5');
    expect(decimal(0)).toBe('0');
  });
});
