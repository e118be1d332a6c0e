export * from './analytics';
export * from './auth';
export * from './conversations';
export * from './events';
export * from './health';
export * from './messages';
export * from './metrics';
export * from './monitoring';
