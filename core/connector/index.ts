export * from './define.ts';
export * from './memory-state.ts';
export * from './types.ts';
export * from './record-error.ts';
export * from './catalog.ts';
