/** The two databases the store runs on; migrations and a few queries differ between them. */
export type DialectName = 'sqlite' | 'postgres';
