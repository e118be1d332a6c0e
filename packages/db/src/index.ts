export * from './bulk-drop';
export * from './embedded';
export * from './errors';
export * from './migrate';
export * from './pool';
export * from './queries';
