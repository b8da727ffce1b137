export * from './version';
export * from './messages';
export * from './sample-row';
export * from './site-sample-row';
export * from './block-row';
export * from './validate';
export * from './base64';
export * from './site-frame';
