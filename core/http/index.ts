export * from './classify.ts';
export * from './client.ts';
export * from './network-guard.ts';
export * from './retry.ts';
