export * from './chromium';
export * from './ports';
export * from './service-process';
export * from './stack';
export * from './tcp-proxy';
export * from './wait';
