export * from './types.ts';
export * from './lifecycle.ts';
export * from './permissions.ts';
export * from './time.ts';
export * from './routing.ts';
export * from './sections.ts';
export * from './limits.ts';
export * from './delivery.ts';
