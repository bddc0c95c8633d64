// A fresh MariaDB database per test bot, on the server the schema check uses (MYSQL_* override it), dropped
// when the bot stops: suites that run on MySQL get the same clean start as on a temporary SQLite file.
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export const MARIADB = {
  host: process.env.MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? 'root',
  password: process.env.MYSQL_PASSWORD ?? '',
};

export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `grid_bot_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(MARIADB);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const credentials = `${MARIADB.user}${MARIADB.password ? `:${encodeURIComponent(MARIADB.password)}` : ''}`;
  return {
    url: `mariadb://${credentials}@${MARIADB.host}:${MARIADB.port}/${name}`,
    async drop() {
      const connection = await createConnection(MARIADB);
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
