export * from './ports';
export * from './service-process';
export * from './stack';
export * from './wait';
export * from './chromium';
export * from './tcp-proxy';
