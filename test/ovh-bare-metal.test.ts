/**
 * OVHcloud bare metal (Rise range): every price pinned to the vendored catalog excerpt
 * (data/prices/feeds/ovh_eco-catalog-US_rise.json, OVH's public catalog for its US subsidiary, catalog 3224,
 * archived 2025-06-05), the configurations the OVH provider offers the bin-packer, and the site each profile
 * region is priced at.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cheapestPacking, undominated, ServerType } from '../cost/k8s/binpack';
import { planFleet } from '../cost/k8s/fleet';
import { bareMetalData, ovhBareMetalOffers, ovhCatalogFeed, ovhCatalogFeeds, ovhPrices } from '../cost/k8s/offers';
import { priceSelfHosted } from '../cost/k8s/self-hosted';
import { bareMetalSources } from '../cost/catalog/sources';
import { usageFromPlan } from '../cost/usage';
import { stagePlan } from './support/stages';

/** Base plans: [plan code, USD a month without commitment, USD installation], as the catalog states them. */
const RISE_PLANS: [string, number, number][] = [
  ['24rise01-ca', 70, 70], ['24rise01-eu', 70, 70], ['24rise01-mum', 70, 70], ['24rise01-sgp', 80, 80], ['24rise01-us', 70, 70],
  ['24rise02-ca', 80, 80], ['24rise02-eu', 80, 80], ['24rise02-mum', 149, 149], ['24rise02-sgp', 138, 138], ['24rise02-us', 80, 80],
  ['24rise03-ca', 110, 110], ['24rise03-eu', 110, 110], ['24rise03-mum', 140, 140], ['24rise03-sgp', 140, 140], ['24rise03-us', 110, 110],
  ['24rise04-ca', 200, 200], ['24rise04-eu', 200, 200], ['24rise04-mum', 200, 200], ['24rise04-sgp', 200, 200], ['24rise04-us', 200, 200],
  ['24rise05-ca', 210, 210], ['24rise05-eu', 210, 210], ['24rise05-mum', 320, 320], ['24rise05-sgp', 320, 320], ['24rise05-us', 210, 210],
  ['24rise06-ca', 260, 260], ['24rise06-eu', 260, 260], ['24rise06-sgp', 369, 369], ['24rise06-us', 260, 260],
  ['24rise07-ca', 200, 200], ['24rise07-eu', 200, 200], ['24rise07-sgp', 200, 200], ['24rise07-us', 200, 200],
  ['24rise08-ca', 220, 220], ['24rise08-eu', 220, 220], ['24rise08-us', 220, 220],
  ['24rise09-ca', 260, 260], ['24rise09-eu', 260, 260], ['24rise09-us', 260, 260],
];

/** Memory and storage addons at the US sites: [addon code, USD a month, USD installation]. */
const US_ADDONS: [string, number, number][] = [
  ['ram-1024g-ecc-2933-24rise-us', 392, 0], ['ram-1024g-ecc-2933-24rise04-us', 420, 0], ['ram-1024g-ecc-2933-24rise08-us', 430, 0],
  ['ram-1024g-ecc-2933-24rise09-us', 430, 0], ['ram-1024g-ecc-3200-24rise-us', 392, 0], ['ram-128g-ecc-2666-24rise-us', 28, 0],
  ['ram-128g-ecc-2933-24rise-us', 28, 0], ['ram-128g-ecc-2933-24rise07-us', 0, 0], ['ram-128g-ecc-3200-24rise-us', 0, 0],
  ['ram-128g-ecc-3200-24rise04-us', 28, 0], ['ram-256g-ecc-2933-24rise-us', 56, 0], ['ram-256g-ecc-2933-24rise08-us', 0, 0],
  ['ram-256g-ecc-2933-24rise09-us', 0, 0], ['ram-256g-ecc-3200-24rise-us', 56, 0], ['ram-256g-ecc-3200-24rise04-us', 84, 0],
  ['ram-32g-ecc-3200-24rise-us', 0, 0], ['ram-512g-ecc-2933-24rise-us', 168, 0], ['ram-512g-ecc-2933-24rise08-us', 145, 0],
  ['ram-512g-ecc-2933-24rise09-us', 145, 0], ['ram-512g-ecc-3200-24rise-us', 168, 0], ['ram-512g-ecc-3200-24rise04-us', 196, 0],
  ['ram-64g-ecc-3200-24rise-us', 13, 0], ['ram-64g-ecc-3200-24rise04-us', 0, 0],
  ['softraid-2x1920nvme-24rise-us', 52, 0], ['softraid-2x3840nvme-24rise-us', 110, 0], ['softraid-2x512nvme-24rise-us', 0, 0],
  ['softraid-2x960nvme-24rise-us', 24, 0], ['softraid-2x960nvme-24rise04-us', 0, 0], ['softraid-2x960nvme-24rise05-us', 0, 0],
  ['softraid-2x960nvme-24rise06-us', 0, 0], ['softraid-4x1920nvme-24rise-us', 100, 0], ['softraid-4x3840nvme-24rise-us', 200, 0],
];

const feed = ovhCatalogFeed();
const entry = (code: string) => ovhCatalogFeeds().flatMap((f: any) => [...f.plans, ...f.addons]).find((e: any) => e.planCode === code);

describe('the vendored OVH catalog excerpt', () => {
  test('names its source: the archive commit, its date, the catalog id and the US subsidiary locale', () => {
    expect(feed.source).toMatchObject({ repo: 'y8/ovh-catalog-archive', path: 'eco/US.json', commit: '1f7e8755288912ff5f7253ad1eb467ec22d5beb3', commitDate: '2025-06-05T16:49:06+00:00' });
    expect(feed.catalogId).toBe(3224);
    expect(feed.locale).toEqual({ currencyCode: 'USD', subsidiary: 'US', taxRate: 0 });
    expect(feed.plans.map((p: any) => p.planCode).sort()).toEqual(RISE_PLANS.map(([code]) => code).sort());
    // Cut to the no-commitment prices only.
    for (const e of [...feed.plans, ...feed.addons]) expect(e.pricings.every((p: any) => p.mode === 'default')).toBe(true);
  });

  test('bare-metal.json points at it with its date, and the sites it prices', () => {
    const section = bareMetalData().ovhBareMetal;
    expect(fs.existsSync(path.join(__dirname, '..', 'data', 'prices', section.feed))).toBe(true);
    expect(section.sources[0]).toMatchObject({ url: 'https://eu.api.ovh.com/v1/order/catalog/public/eco?ovhSubsidiary=US', date: '2025-06-05' });
    expect(section.siteRegions).toMatchObject({ vin: 'us', 'hil-ovh': 'us', bhs: 'ca', gra: 'eu', sgp: 'sgp', ynm: 'mum' });
    expect(section.notSourced.join(' ')).toMatch(/Advance and Scale servers, and High Grade models other than HGR-SDS-2/);
    const rows = bareMetalSources({ ovhBareMetal: section });
    expect(rows).toEqual([
      expect.objectContaining({ id: 'ovhBareMetal', published: '2025-06-05', basis: 'commit-date', covers: expect.arrayContaining(['vin', 'bhs', 'sgp', 'ynm']) }),
      expect.objectContaining({ id: 'ovhBareMetal', title: 'https://eu.api.ovh.com/v1/order/catalog/public/baremetalServers?ovhSubsidiary=US', published: '2025-12-18', basis: 'stated-in-data' }),
    ]);
  });

  test.each(RISE_PLANS)('base plan %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
    expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
  });

  test.each(US_ADDONS)('addon %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
    expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
  });
});

describe('the configurations offered', () => {
  test('each is its base plan plus one memory and one all-NVMe storage addon, priced as their sum', () => {
    for (const region of ['us', 'ca', 'eu', 'sgp', 'mum']) {
      const offers = ovhBareMetalOffers(region);
      expect(offers.length).toBeGreaterThan(0);
      for (const offer of offers) {
        expect(offer.parts).toHaveLength(3);
        for (const part of offer.parts) expect(ovhPrices(entry(part.planCode))).toEqual({ monthlyUsd: part.monthlyUsd, setupUsd: part.setupUsd });
        expect(offer.monthlyUsd).toBeCloseTo(offer.parts.reduce((sum, p) => sum + p.monthlyUsd, 0), 9);
        expect(offer.parts[0].planCode.endsWith(`-${region}`)).toBe(true);
        expect(offer.disks).toMatch(/NVMe/);
      }
    }
  });

  test('RISE-9 with 512 GB and 2 × 1.92 TB NVMe at the US sites: 96 threads, $260 + $145 + $52, $260 installation', () => {
    const rise9 = ovhBareMetalOffers('us').find((o) => o.id === 'RISE-9 512 GB 2×1920 NVMe')!;
    expect(rise9).toMatchObject({ vcpu: 96, memoryGiB: 512, usableDiskGiB: 1788, monthlyUsd: 457, setupUsd: 260, traffic: '1Gbps unmetered and guaranteed public bandwidth' });
    expect(rise9.cpu).toBe('AMD Epyc 7642, 48 cores / 96 threads');
    // Four disks in software RAID 10: half the raw 4 × 3.84 TB.
    expect(ovhBareMetalOffers('us').find((o) => o.id === 'RISE-9 1024 GB 4×3840 NVMe')).toMatchObject({ usableDiskGiB: 7152, monthlyUsd: 260 + 430 + 200 });
  });

  test('Singapore and Mumbai sell fewer models at their own prices', () => {
    const models = (region: string) => [...new Set(ovhBareMetalOffers(region).map((o) => o.model))].sort();
    expect(models('sgp')).toEqual(['HGR-SDS-2', 'RISE-1', 'RISE-2', 'RISE-3', 'RISE-4', 'RISE-5', 'RISE-6', 'RISE-7']);
    expect(models('mum')).toEqual(['HGR-SDS-2', 'RISE-1', 'RISE-2', 'RISE-3', 'RISE-4', 'RISE-5']);
    expect(ovhBareMetalOffers('sgp').find((o) => o.id === 'RISE-1 32 GB 2×512 NVMe')!.monthlyUsd).toBe(80);
    expect(ovhBareMetalOffers('mum').find((o) => o.id === 'RISE-2 32 GB 2×512 NVMe')!.monthlyUsd).toBe(149);
  });
});

describe('the OVH provider bins onto bare metal where it is cheapest, at the profile\'s sites', () => {
  const usage = usageFromPlan(stagePlan('split-tier'));
  const objects = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 6, template: { spec: { containers: [{ name: 'c', image: 'app:1', resources: { requests: { cpu: '1800m', memory: '6963Mi' } } }] } } } },
    { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'big' }, spec: { instances: 2, resources: { requests: { cpu: '40', memory: '400Gi' } }, storage: { size: '1000Gi' } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
  ];

  test('us-east-1: a 400 GiB database pod lands on a Rise server with 512 GB or more, priced at the dearer of Vint Hill (us) and Beauharnois (ca), installation over 36 months', () => {
    const plan = planFleet(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' });
    expect(plan.unplaceable).toEqual([]);
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server.offer).toBe('dedicated');
    expect(data.server.id).toMatch(/^RISE-\d 512 GB|^RISE-\d 1024 GB/);
    const us = ovhBareMetalOffers('us').find((o) => o.id === data.server.id)!;
    const ca = ovhBareMetalOffers('ca').find((o) => o.id === data.server.id)!;
    const dearer = [us, ca].sort((a, b) => b.monthlyUsd + b.setupUsd / 36 - (a.monthlyUsd + a.setupUsd / 36))[0];
    expect(data.server.monthlyUsd).toBeCloseTo(dearer.monthlyUsd + dearer.setupUsd / 36, 9);
    expect(data.server.priceSource).toMatch(/at us, ca site prices/);
    expect(plan.volumes.find((v) => v.name === 'Cluster/big')!.medium).toBe('local-nvme');
    expect(plan.locationNote).toMatch(/OVHcloud bare metal \(Rise, High Grade HGR-SDS-2\) is priced at Vint Hill, VA \(US East\), Beauharnois \(CA\)'s own catalog prices/);
    expect(priceSelfHosted(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' }).complete).toBe(true);
  });

  test('ap-south-1 (Mumbai): only the models Mumbai sells, at Mumbai prices', () => {
    const plan = planFleet(objects, { zones: 3, usage, region: 'ap-south-1', provider: 'ovh' });
    expect(plan.unplaceable).toEqual([]);
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server.offer).toBe('dedicated');
    expect(['RISE-4', 'RISE-5']).toContain(data.server.id.split(' ')[0]);
    const mumbai = ovhBareMetalOffers('mum').find((o) => o.id === data.server.id)!;
    expect(data.server.monthlyUsd).toBeCloseTo(mumbai.monthlyUsd + mumbai.setupUsd / 36, 9);
    expect(data.server.priceSource).toMatch(/at mum site prices/);
  });
});

describe('bin-packing over configurations of one machine that differ in drives', () => {
  const server = (id: string, monthlyUsd: number, localDiskGiB?: number): ServerType => ({ id, vcpu: 48, memoryGiB: 512, monthlyUsd, description: id, priceSource: 'test', ...(localDiskGiB === undefined ? {} : { localDiskGiB }) });
  const small = server('small drives', 378, 894);
  const large = server('large drives', 430, 1788);

  test('the dearer configuration with larger drives is kept; one with smaller drives for more money is not', () => {
    expect(undominated([small, large]).map((s) => s.id)).toEqual(['small drives', 'large drives']);
    expect(undominated([small, large, server('worse', 500, 894)]).map((s) => s.id)).toEqual(['small drives', 'large drives']);
    // Servers with and without local disk are not compared here: the cloud type's volumes cost extra (below).
    expect(undominated([large, server('cloud', 300)]).map((s) => s.id)).toEqual(['large drives', 'cloud']);
  });

  test('a server without local disk is compared with its volumes priced on top', () => {
    const groups = [{ workload: 'Cluster/db', replicas: 2, vcpu: 40, memoryGiB: 400, spreadOverNodes: true, storageGiB: 1000 }];
    const options = { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } };
    const cloud = server('cloud', 400);
    // 3 × $400 = $1,200 of servers beats 3 × $430 = $1,290 until 2,000 GiB of volumes at $0.05 add $100.
    expect(cheapestPacking(groups, [large, cloud], options)!.server.id).toBe('cloud');
    expect(cheapestPacking(groups, [large, cloud], { ...options, volumeUsdPerGiB: 0.05 })!.server.id).toBe('large drives');
  });

  test('a volume the cheaper drives cannot hold goes to the larger drives', () => {
    const groups = [{ workload: 'Cluster/db', replicas: 2, vcpu: 40, memoryGiB: 400, spreadOverNodes: true, storageGiB: 1000 }];
    const best = cheapestPacking(groups, [small, large], { zones: 2, spare: 1, allocatable: { vcpu: 0.9, memory: 0.85 } })!;
    expect(best.server.id).toBe('large drives');
  });
});

describe('a volume larger than every local disk on a mixed offer (cloud + dedicated)', () => {
  test('the pool still gets servers: cloud types with block volumes, instead of no packing and an unpriced pool', () => {
    const usage = usageFromPlan(stagePlan('split-tier'));
    const objects = [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'wide' }, spec: { instances: 2, resources: { requests: { cpu: '20', memory: '100Gi' } }, storage: { size: '19000Gi' } } }];
    const plan = planFleet(objects, { zones: 3, usage, region: 'eu-central-1', provider: 'hetzner-dedicated' });
    expect(plan.unplaceable).toEqual([]);
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server.offer).toBe('cloud');
    expect(data.workloads.map((w) => w.name)).toEqual(['Cluster/wide']);
    expect(plan.volumes.find((v) => v.name === 'Cluster/wide')).toMatchObject({ sizeGiB: 19000, medium: 'block-volume' });
  });
});

/** HGR-SDS-2 plans: [plan code, USD a month without commitment, USD installation], as catalog 3556 states them. */
const HGR_SDS_2_PLANS: [string, number, number][] = [
  ['24sds02-v1-ca', 1523, 1523], ['24sds02-v1-eu', 1523, 1523], ['24sds02-v1-mum', 1523, 1523], ['24sds02-v1-sgp', 1523, 1523], ['24sds02-v1-us', 1523, 1523],
];
/** HGR-SDS-2 memory and storage addons read from catalog 3556: [addon code, USD a month, USD installation]. */
const HGR_SDS_2_ADDONS: [string, number, number][] = ['ca', 'eu', 'us'].flatMap((region): [string, number, number][] => [
  [`ram-256g-ecc-4800-24sds02-v1-${region}`, 0, 0],
  [`ram-512g-ecc-4800-24sds02-v1-${region}`, 284, 0],
  [`softraid-6x7680nvme-24sds02-v1-${region}`, 0, 0],
]);

describe('OVHcloud High Grade HGR-SDS-2 (baremetalServers catalog 3556, transcribed excerpt)', () => {
  const metal = ovhCatalogFeeds()[1];

  test('names its source: the archive commit, the catalog id, the US locale, and how its date is bounded', () => {
    expect(bareMetalData().ovhBareMetal.moreFeeds).toEqual(['feeds/ovh_baremetalServers-catalog-US_hgr-sds-2.json']);
    expect(metal.source).toMatchObject({ repo: 'y8/ovh-catalog-archive', path: 'metal/US.json', commit: '04d94d184eab5100306eb3530ef8aee9d1503a15', commitDate: null });
    expect(metal.source.dataDate).toMatch(/no earlier than 2025-12-18/);
    expect(metal.catalogId).toBe(3556);
    expect(metal.locale).toEqual({ currencyCode: 'USD', subsidiary: 'US', taxRate: 0 });
    expect(metal.plans.map((p: any) => p.planCode).sort()).toEqual(HGR_SDS_2_PLANS.map(([code]) => code));
    for (const e of [...metal.plans, ...metal.addons]) expect(e.pricings.every((p: any) => p.mode === 'default')).toBe(true);
    // The product states both sockets: 2 × Xeon Gold 6542Y, 24 cores / 48 threads each.
    expect(metal.products.find((p: any) => p.name === '24sds02').blobs.technical.server.cpu).toMatchObject({ model: 'Xeon Gold 6542Y', cores: 24, threads: 48, number: 2 });
  });

  test.each(HGR_SDS_2_PLANS)('base plan %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
    expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
  });

  test.each(HGR_SDS_2_ADDONS)('addon %s: $%d a month, $%d installation', (code, monthlyUsd, setupUsd) => {
    expect(ovhPrices(entry(code))).toEqual({ monthlyUsd, setupUsd });
  });

  test('offered at every site group with both sockets counted, 6 × 7.68 TB NVMe in software RAID 10 (half usable), 256 GB included or 512 GB for $284', () => {
    for (const region of ['us', 'ca', 'eu', 'sgp', 'mum']) {
      const offers = ovhBareMetalOffers(region).filter((o) => o.model === 'HGR-SDS-2');
      expect(offers.map((o) => [o.id, o.monthlyUsd, o.setupUsd])).toEqual([
        ['HGR-SDS-2 256 GB 6×7680 NVMe', 1523, 1523],
        ['HGR-SDS-2 512 GB 6×7680 NVMe', 1523 + 284, 1523],
      ]);
      for (const o of offers) {
        expect(o).toMatchObject({ vcpu: 96, usableDiskGiB: Math.floor((3 * 7680e9) / 2 ** 30), cpu: '2 × Intel Xeon Gold 6542Y, 48 cores / 96 threads' });
        expect(o.parts.map((part) => part.planCode)).toEqual([`24sds02-v1-${region}`, expect.stringMatching(/^ram-/), expect.stringMatching(/^softraid-6x7680nvme-24sds02-v1-/)]);
      }
    }
    expect(ovhBareMetalOffers('us').find((o) => o.model === 'HGR-SDS-2')!.traffic).toBe("bandwidth-10000-hgr-gen2-us (the plan's default bandwidth option)");
  });

  test('us-east-1: a 57.6 vCPU / 435 GiB Postgres pod with a 19,220 GiB volume lands on HGR-SDS-2 512 GB with the volume on its local NVMe', () => {
    const usage = usageFromPlan(stagePlan('split-tier'));
    const objects = [{ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pool' }, spec: { instances: 3, resources: { requests: { cpu: '57600m', memory: '435.2Gi' } }, storage: { size: '19220Gi' } } }];
    const plan = planFleet(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' });
    expect(plan.unplaceable).toEqual([]);
    const data = plan.pools.find((p) => p.name === 'data')!;
    expect(data.server).toMatchObject({ id: 'HGR-SDS-2 512 GB 6×7680 NVMe', offer: 'dedicated' });
    // $1,523 + $284 a month, the $1,523 installation over 36 months; Vint Hill and Beauharnois charge the same.
    expect(data.server.monthlyUsd).toBeCloseTo(1523 + 284 + 1523 / 36, 9);
    expect(plan.volumes.find((v) => v.name === 'Cluster/pool')).toMatchObject({ sizeGiB: 19220, medium: 'local-nvme' });
    expect(priceSelfHosted(objects, { zones: 3, usage, region: 'us-east-1', provider: 'ovh' }).complete).toBe(true);
  });
});
