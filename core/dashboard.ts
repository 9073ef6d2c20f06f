/**
 * The stage dashboard's panels, once for both targets: CloudWatch draws each from the construct's
 * metrics (constructs/aws/*.ts `widgets()`), Grafana from its PromQL equivalent
 * (components/dashboard.ts). Each row's panel ids are a union type and both sides map every id of
 * it (`Record<Id, ...>`), so a panel added here does not compile until both draw it.
 */

/** One panel: its title and width (of 24 columns) on both dashboards; `alarms`: an alarm/alert list, not a graph. */
export interface DashboardPanel<Id extends string = string> {
  readonly id: Id;
  readonly title: string;
  readonly width: number;
  readonly alarms?: true;
}

export type ServiceLevelPanel = 'errorRatio' | 'sloAlarms';
export const SERVICE_LEVEL_PANELS: readonly DashboardPanel<ServiceLevelPanel>[] = [
  { id: 'errorRatio', title: '5xx ratio (5 min)', width: 12 },
  { id: 'sloAlarms', title: 'SLO alarms', width: 12, alarms: true },
];

export type WebPanel = 'requests' | 'responseTime' | 'fleet';
export const WEB_PANELS: readonly DashboardPanel<WebPanel>[] = [
  { id: 'requests', title: 'Requests and 5xx', width: 8 },
  { id: 'responseTime', title: 'Target response time', width: 8 },
  { id: 'fleet', title: 'Web fleet', width: 8 },
];

export type DatabaseShardPanel = 'cpu' | 'connections' | 'replicaLag' | 'freeStorage';
export function databaseShardPanels(shardId: number): readonly DashboardPanel<DatabaseShardPanel>[] {
  return [
    { id: 'cpu', title: `Shard ${shardId} CPU %`, width: 6 },
    { id: 'connections', title: `Shard ${shardId} connections`, width: 6 },
    { id: 'replicaLag', title: `Shard ${shardId} replica lag (s)`, width: 6 },
    { id: 'freeStorage', title: `Shard ${shardId} free storage`, width: 6 },
  ];
}

export type CachePanel = 'memory' | 'cpu' | 'evictions';
export const CACHE_PANELS: readonly DashboardPanel<CachePanel>[] = [
  { id: 'memory', title: 'Cache memory % (max node)', width: 8 },
  { id: 'cpu', title: 'Cache engine CPU % (max node)', width: 8 },
  { id: 'evictions', title: 'Cache evictions', width: 8 },
];

export type QueuePanel = 'queued' | 'oldestAge' | 'deadLetters';
export const QUEUE_PANELS: readonly DashboardPanel<QueuePanel>[] = [
  { id: 'queued', title: 'Queued jobs', width: 8 },
  { id: 'oldestAge', title: 'Oldest job age (s)', width: 8 },
  { id: 'deadLetters', title: 'Dead letters', width: 8 },
];

export type StreamPanel = 'lag' | 'timeLag' | 'brokerDisk';
export const STREAM_PANELS: readonly DashboardPanel<StreamPanel>[] = [
  { id: 'lag', title: 'Consumer lag (messages)', width: 8 },
  { id: 'timeLag', title: 'Furthest-behind partition (s)', width: 8 },
  { id: 'brokerDisk', title: 'Broker disk used %', width: 8 },
];

export type WorkersPanel = 'backlogPerWorker' | 'inService';
export const WORKERS_PANELS: readonly DashboardPanel<WorkersPanel>[] = [
  { id: 'backlogPerWorker', title: 'Backlog per worker (scaling signal)', width: 12 },
  { id: 'inService', title: 'Workers in service', width: 12 },
];

export type SingleServerPanel = 'cpu' | 'dataDisk';
export const SINGLE_SERVER_PANELS: readonly DashboardPanel<SingleServerPanel>[] = [
  { id: 'cpu', title: 'CPU %', width: 12 },
  { id: 'dataDisk', title: 'Data disk used %', width: 12 },
];

/** The single server's alarm list (its own row, first on the dashboard). */
export const SINGLE_SERVER_ALARMS_PANEL: DashboardPanel<'singleServerAlarms'> = { id: 'singleServerAlarms', title: 'Single server alarms', width: 24, alarms: true };
/** Every alarm of the stage, last on the dashboard (CloudWatch splits it past 100 alarms: "Alarms (101-)"). */
export const STAGE_ALARMS_PANEL: DashboardPanel<'alarms'> = { id: 'alarms', title: 'Alarms', width: 24, alarms: true };

/** Draws every panel of a row, in the row's order, with the drawing given for its id (one for each id, by type). */
export function drawPanels<Id extends string, Drawn>(panels: readonly DashboardPanel<Id>[], draw: Record<Id, (panel: DashboardPanel<Id>) => Drawn>): Drawn[] {
  return panels.map((panel) => draw[panel.id](panel));
}
