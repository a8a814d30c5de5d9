export * from './hub-error.ts';
export * from './validation.ts';
