/**
 * Version support calendars that decide extended-support charges. Dates are as published; a version missing
 * here is reported, never guessed.
 */

export interface SupportWindow {
  released: string;
  /** First day the version is no longer in standard support (extended support from then). */
  endOfStandard: string;
  endOfExtended: string;
}

export const EKS_CALENDAR_SOURCE = {
  title: 'Amazon EKS release calendar as listed by endoflife.date (Released / End of Support / Extended Support)',
  url: 'https://endoflife.date/amazon-eks',
  consulted: '2026-12-02',
  quote:
    '1.35 28 Jan 2026, 27 Mar 2027, 27 Mar 2028; 1.34 06 Oct 2025, 02 Dec 2026, 02 Dec 2027; 1.33 28 May 2025, 29 Jul 2026, 29 Jul 2027; ' +
    '1.32 25 Jan 2025, 23 Mar 2026, 23 Mar 2027; 1.31 26 Sep 2024, 26 Nov 2025, 26 Nov 2026; 1.30 23 May 2024, 23 Jul 2025, 23 Jul 2026; ' +
    '1.29 23 Jan 2024, 23 Mar 2025, 23 Mar 2026',
  caveat:
    'Stored copy of the page (its state in early 2026), consulted through the search tool; the AWS user guide states the rule ' +
    '(14 months of standard support, then 12 months of extended support) but its table was not in the stored copy. ' +
    'Extended support costs $0.60 per cluster-hour in total (AWS containers blog, "Amazon EKS extended support for Kubernetes versions pricing"): the $0.10 cluster-hour plus the EKS map\'s "Compute ExtendedSupport" $0.50.',
};

export const EKS_CALENDAR: Readonly<Record<string, SupportWindow>> = {
  '1.29': { released: '2024-01-23', endOfStandard: '2025-03-23', endOfExtended: '2026-03-23' },
  '1.30': { released: '2024-05-23', endOfStandard: '2025-07-23', endOfExtended: '2026-07-23' },
  '1.31': { released: '2024-09-26', endOfStandard: '2025-11-26', endOfExtended: '2026-11-26' },
  '1.32': { released: '2025-01-25', endOfStandard: '2026-03-23', endOfExtended: '2027-03-23' },
  '1.33': { released: '2025-05-28', endOfStandard: '2026-07-29', endOfExtended: '2027-07-29' },
  '1.34': { released: '2025-10-06', endOfStandard: '2026-12-02', endOfExtended: '2027-12-02' },
  '1.35': { released: '2026-01-28', endOfStandard: '2027-03-27', endOfExtended: '2028-03-27' },
};

export type SupportPhase = 'standard' | 'extended' | 'past-extended' | 'unknown';

/** Where a version stands on a day (ISO date). */
export function supportPhase(calendar: Readonly<Record<string, SupportWindow>>, version: string, day: string): SupportPhase {
  const window = calendar[version];
  if (!window) return 'unknown';
  if (day < window.endOfStandard) return 'standard';
  if (day < window.endOfExtended) return 'extended';
  return 'past-extended';
}

export const RDS_CALENDAR_SOURCE = {
  title: 'Amazon RDS release calendars (RDS end of standard support / end of Extended Support) as endoflife.date carries them',
  url: 'https://github.com/endoflife-date/endoflife.date/blob/ddbcb19348f6c170390458a30a8d3df1084e5a16/products/amazon-rds-postgresql.md (and amazon-rds-mysql.md)',
  consulted: '2026-12-02',
  quote:
    'PostgreSQL 17 eol 2030-02-28 eoes 2033-02-28; 16 2029-02-28 / 2032-02-29; 15 2028-02-29 / 2031-02-28; 14 2027-02-28 / 2030-02-28; ' +
    '13 2026-02-28 / 2029-02-28; 12 2025-02-28 / 2028-02-29; 11 2024-02-29 / 2027-03-31. MySQL 8.4 2029-07-31 / 2032-07-31; ' +
    '8.0 2026-07-31 / 2029-07-31; 5.7 2024-02-29 / 2027-02-28',
  caveat:
    'endoflife.date reads these from AWS\'s release-calendar tables (docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html, ' +
    'MySQL.Concepts.VersionMgmt.html). AWS: "You will incur charges for all engines enrolled in RDS Extended Support beginning the day after the RDS end ' +
    'of standard support date" and "RDS Extended Support charges apply to standby instances in Multi-AZ deployments" (extended-support-charges.html). ' +
    'Years 1 and 2 run from that day; year 3 is the rest (RDS for PostgreSQL 11 and MySQL 5.7 reached year 3 on 2026-03-01).',
};

/** Dates are the day after the calendar's last day of standard support, and of Extended Support. */
export const RDS_CALENDAR: Readonly<Record<'postgres' | 'mysql', Readonly<Record<string, SupportWindow>>>> = {
  postgres: {
    '11': { released: '2019-03-13', endOfStandard: '2024-03-01', endOfExtended: '2027-04-01' },
    '12': { released: '2020-03-31', endOfStandard: '2025-03-01', endOfExtended: '2028-03-01' },
    '13': { released: '2021-02-24', endOfStandard: '2026-03-01', endOfExtended: '2029-03-01' },
    '14': { released: '2022-02-03', endOfStandard: '2027-03-01', endOfExtended: '2030-03-01' },
    '15': { released: '2023-02-27', endOfStandard: '2028-03-01', endOfExtended: '2031-03-01' },
    '16': { released: '2023-11-17', endOfStandard: '2029-03-01', endOfExtended: '2032-03-01' },
    '17': { released: '2024-11-14', endOfStandard: '2030-03-01', endOfExtended: '2033-03-01' },
  },
  mysql: {
    '5.7': { released: '2016-02-22', endOfStandard: '2024-03-01', endOfExtended: '2027-03-01' },
    '8.0': { released: '2018-10-23', endOfStandard: '2026-08-01', endOfExtended: '2029-08-01' },
    '8.4': { released: '2024-11-21', endOfStandard: '2029-08-01', endOfExtended: '2032-08-01' },
  },
};

/** First day of Extended Support's third year (the day two years after it began). */
export function thirdYearBegins(window: SupportWindow): string {
  const start = new Date(`${window.endOfStandard}T00:00:00Z`);
  start.setUTCFullYear(start.getUTCFullYear() + 2);
  return start.toISOString().slice(0, 10);
}

/** The major version of an RDS engine version: "11.22" → "11" for PostgreSQL, "8.0.39" → "8.0" for MySQL. */
export function rdsMajorVersion(engine: 'postgres' | 'mysql', version: string): string {
  const parts = version.split('.');
  return engine === 'postgres' ? parts[0]! : parts.slice(0, 2).join('.');
}
