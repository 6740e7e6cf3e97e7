export * from './errors';
export * from './envelope';
export * from './domain';
export * from './contract';
export * from './format';
export * from './jobs';
export * from './fleet';
