export * from './version';
export * from './messages';
export * from './validate';
export * from './base64';
