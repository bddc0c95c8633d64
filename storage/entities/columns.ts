// Column shapes shared by the entities. Only types that mean the same on SQLite and MySQL/MariaDB:
// the embedded default and production run one schema, created by the same migrations.

/** Millisecond timestamps: deadlines and the audit trail need better than whole seconds. */
export const timestamp = { type: 'datetime', precision: 3 } as const;
export const optionalTimestamp = { type: 'datetime', precision: 3, nullable: true } as const;

export const id = { type: 'varchar', length: 36 } as const;
export const code = { type: 'varchar', length: 64 } as const;
export const shortText = { type: 'varchar', length: 200 } as const;
export const longText = { type: 'text' } as const;
