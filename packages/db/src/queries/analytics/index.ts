export * from './getActivitySummary';
export * from './getBucketMessageCounts';
export * from './getBucketUsersRaw';
export * from './getHeatmapCounts';
export * from './getPeriodUsers';
export * from './getTopUsers';
export * from './types';
