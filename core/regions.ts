/**
 * The regions stagekit supports: the profile accepts them, and the price catalog covers each of them on
 * every provider it compares. The one list: adding a region means adding it here and to every AWS feed
 * parser call in cost/catalog/build.ts (then rebuilding the catalog).
 */
export const SUPPORTED_REGIONS = ['us-east-1', 'eu-central-1', 'ap-south-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1'] as const;
export type Region = (typeof SUPPORTED_REGIONS)[number];
