export * from './catalog.ts';
export * from './define.ts';
export * from './memory-state.ts';
export * from './record-error.ts';
export * from './types.ts';
