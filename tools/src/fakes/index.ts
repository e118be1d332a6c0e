export * from './gemini';
export { defaultReply } from './gemini-wire';
export * from './graph-api';
export { MAX_TEXT_CHARS } from './graph-api-wire';
