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
  const w = calendar[version];
  if (!w) return 'unknown';
  if (day < w.endOfStandard) return 'standard';
  if (day < w.endOfExtended) return 'extended';
  return 'past-extended';
}
