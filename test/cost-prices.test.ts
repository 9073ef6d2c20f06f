/**
 * `stagekit prices`: every source of the catalog with its date and what it prices, read from the catalog itself
 * (so a region priced from another region's list price says so), plus the bare-metal list's cited pages.
 */
import { loadCatalog } from '../cost/catalog';
import { bareMetalSources, catalogSources } from '../cost/catalog/sources';

const catalog = loadCatalog();
const rows = catalogSources(catalog);
const row = (id: string) => rows.find((r) => r.id === id)!;

describe('price sources', () => {
  test('every source of the catalog is listed once, with its publication date', () => {
    expect(rows.map((r) => r.id).sort()).toEqual(Object.keys(catalog.data.sources).sort());
    for (const r of rows) expect(r.published).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
  });

  test('coverage comes from the tables that cite the source: a per-region feed covers its region only', () => {
    expect(row('ec2-us-west-2').covers).toEqual(['us-west-2']);
    expect(row('karpenter-us-east-1').covers).toEqual(['us-east-1']);
    expect(row('rds-postgresql-reserved-1y')).toMatchObject({ side: 'aws', published: '2024-12-07' });
    expect(row('rds-postgresql-reserved-1y').covers).toHaveLength(catalog.data.regions.length);
    expect(row('aws-route53-pricing-page').covers).toEqual(['global']);
  });

  test('a region borrowing another region\'s list price is shown as such, never as its own', () => {
    const elb = row('aws-elb-pricing-page').covers;
    expect(elb).toContain('us-east-1');
    expect(elb).toContain('eu-west-1 (us-east-1 price)');
    expect(elb).not.toContain('eu-west-1');
  });

  test('self-hosted lists name their price locations', () => {
    expect(row('hetzner')).toMatchObject({ side: 'self-hosted' });
    expect(row('hetzner').covers.every((c) => c.startsWith('hetzner '))).toBe(true);
  });

  test('bare-metal sources: each cited page with its date and the section\'s locations', () => {
    const out = bareMetalSources({
      dedicated: { locations: ['fsn1'], servers: { A: { sources: [{ url: 'https://a', date: '2026-07-05' }, { url: 'https://b', date: '2026-02-02' }] }, B: { sources: [{ url: 'https://a', date: '2026-01-01' }] } } },
    });
    expect(out).toEqual([
      expect.objectContaining({ id: 'dedicated', url: 'https://a', published: '2026-01-01', covers: ['fsn1'], side: 'bare-metal' }),
      expect.objectContaining({ id: 'dedicated', url: 'https://b', published: '2026-02-02' }),
    ]);
  });
});
