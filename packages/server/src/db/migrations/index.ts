import * as initial from './001-initial.ts';

/** Every migration, in order. Names are recorded in schema_migrations; never rename or edit one that shipped. */
export const MIGRATIONS: { name: string; up: string }[] = [
  { name: '001-initial', up: initial.up },
];
