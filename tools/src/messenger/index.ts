export * from './builders';
export * from './ids';
export * from './post';
export * from './sign';
export * from './types';
