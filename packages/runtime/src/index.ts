export * from './common';
export * from './env';
export * from './lifecycle';
export * from './logger';
export * from './secrets';
