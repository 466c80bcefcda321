import { v7 } from 'uuid';

/** Opaque, unguessable, time-ordered public id. */
export const newId = (): string => v7();
