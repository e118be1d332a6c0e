export * from './common';
export * from './env';
export * from './event-loop';
export * from './http-errors';
export * from './lifecycle';
export * from './logger';
export * from './safe-equal';
export * from './secrets';
