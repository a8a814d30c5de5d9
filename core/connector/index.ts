export * from './define.ts';
export * from './memory-state.ts';
export * from './types.ts';
