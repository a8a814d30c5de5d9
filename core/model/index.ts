export * from './entities.ts';
export * from './items.ts';
export * from './orders.ts';
export * from './parties.ts';
export * from './primitives.ts';
export * from './record.ts';
