/**
 * Whether a database has every migration the package ships: what /readyz reports. Drizzle's
 * migrators apply the folder's migrations newer than the last one recorded (by its folder
 * timestamp), so the same comparison counts what is still to apply.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';

/** Migrations in `folder` newer than `lastApplied` (the newest recorded created_at; null: none recorded). */
export function pendingMigrations(folder: string, lastApplied: number | null): number {
  return readMigrationFiles({ migrationsFolder: folder }).filter((m) => lastApplied === null || m.folderMillis > lastApplied).length;
}
