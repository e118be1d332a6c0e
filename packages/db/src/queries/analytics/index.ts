export * from './getActiveUserCount';
export * from './getActivitySums';
export * from './getBucketMessageCounts';
export * from './getBucketUsersRaw';
export * from './getHeatmapCounts';
export * from './getPeriodUsers';
export * from './getUserActivityPage';
export * from './types';
