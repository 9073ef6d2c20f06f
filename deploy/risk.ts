import type { Target } from '../core/rendering';

/**
 * How bad a change to a stateful resource is.
 * - `data-loss`: the resource (and its data) is destroyed or replaced by an empty one.
 * - `rejected`: the API refuses the change (an immutable field); a deploy would stop half-way.
 * - `no-effect`: accepted, but the running resource keeps its old setting (e.g. a new storage
 *   class or bootstrap method applies only to resources created later); expectations silently fail.
 * - `possible-data-loss`: CloudFormation may replace the resource, depending on a value only known
 *   at deploy time; deploy lets the prepared change set decide and refuses if it does replace it.
 * - `retained`: the resource leaves the stack or manifest but is kept with its data; clean it up
 *   by hand once the runbook has moved the data.
 * - `note`: worth knowing, no data at stake (a read replica removed, a protection policy loosened).
 */
export type RiskSeverity = 'data-loss' | 'rejected' | 'possible-data-loss' | 'no-effect' | 'retained' | 'note';

export interface StatefulRisk {
  readonly target: Target;
  /** Logical ID (AWS) or `Kind namespace/name` (Kubernetes). */
  readonly resource: string;
  /** `AWS::RDS::DBInstance`, `postgresql.cnpg.io/v1 Cluster`. */
  readonly resourceType: string;
  readonly severity: RiskSeverity;
  /** What happens: destroyed, replaced, may be replaced, removed, field change rejected... */
  readonly change: string;
  /** Why, in terms a reviewer can check (the property that forces replacement, the policy in force). */
  readonly reason: string;
  /** How to make the change safely, when there is a known way. */
  readonly fix?: string;
}

/** Risks that stop a deploy: data loss (unless allowed) and changes the API would reject (always). */
export function isBlocking(risk: StatefulRisk): boolean {
  return risk.severity === 'data-loss' || risk.severity === 'rejected';
}

export const SEVERITY_ORDER: readonly RiskSeverity[] = ['data-loss', 'rejected', 'possible-data-loss', 'no-effect', 'retained', 'note'];

export function sortRisks(risks: readonly StatefulRisk[]): StatefulRisk[] {
  return [...risks].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.resource.localeCompare(b.resource));
}

/** A short label for tables: DATA LOSS, REJECTED, MAY LOSE DATA, NO EFFECT, retained, note. */
export function severityLabel(severity: RiskSeverity): string {
  switch (severity) {
    case 'data-loss':
      return 'DATA LOSS';
    case 'rejected':
      return 'REJECTED';
    case 'possible-data-loss':
      return 'MAY LOSE DATA';
    case 'no-effect':
      return 'NO EFFECT';
    case 'retained':
      return 'retained';
    case 'note':
      return 'note';
  }
}
