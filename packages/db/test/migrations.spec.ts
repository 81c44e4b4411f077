import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationChecksumError, runMigrations } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const FIRST = `create table things (id int primary key, name text not null);
insert into things (id, name) values (1, 'first');`;
// Depends on the first file: applying out of order would fail.
const SECOND = `alter table things add column created_on date not null default '2024-01-01';
create index things_created_on_idx on things (created_on);
insert into things (id, name) values (2, 'second');`;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('runMigrations', () => {
  let testDb: TestDatabase;
  let root: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('migrations');
    root = await mkdtemp(join(tmpdir(), 'polis-db-migrations-'));
  });

  afterAll(async () => {
    await testDb.close();
    await rm(root, { recursive: true, force: true });
  });

  async function migrationDir(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
    return dir;
  }

  it('creates the schema with its platform tables and applies files in version order', async () => {
    const dir = await migrationDir('ordered', { '0002_add_created_on.sql': SECOND, '0001_create_things.sql': FIRST });
    const result = await runMigrations(testDb.db, { schema: 'ordered', directory: dir });

    expect(result.applied).toEqual(['0001_create_things.sql', '0002_add_created_on.sql']);
    const tables = await testDb.db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'ordered' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['outbox', 'processed_events', 'schema_migrations', 'things']);
    expect(await testDb.db.query('select id, name, created_on from ordered.things order by id')).toEqual([
      { id: 1, name: 'first', created_on: '2024-01-01' },
      { id: 2, name: 'second', created_on: '2024-01-01' },
    ]);
  });

  it('records version, name and sha256 checksum of each file', async () => {
    const rows = await testDb.db.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
      'select version, name, checksum, applied_at from ordered.schema_migrations order by version',
    );
    expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual([
      { version: 1, name: '0001_create_things.sql', checksum: sha256(FIRST) },
      { version: 2, name: '0002_add_created_on.sql', checksum: sha256(SECOND) },
    ]);
    expect(rows[0]!.applied_at).toBeInstanceOf(Date);
  });

  it('applies nothing when run again, and only new files when some are added', async () => {
    const dir = await migrationDir('ordered', { '0001_create_things.sql': FIRST, '0002_add_created_on.sql': SECOND });
    expect(await runMigrations(testDb.db, { schema: 'ordered', directory: dir })).toEqual({ applied: [] });

    await writeFile(join(dir, '0003_third.sql'), `insert into things (id, name) values (3, 'third');`);
    expect(await runMigrations(testDb.db, { schema: 'ordered', directory: dir })).toEqual({
      applied: ['0003_third.sql'],
    });
    expect(await testDb.db.query('select count(*)::int as n from ordered.things')).toEqual([{ n: 3 }]);
  });

  it('refuses an applied file whose content changed, naming it', async () => {
    const dir = await migrationDir('ordered', {
      '0001_create_things.sql': `${FIRST}\n-- edited`,
      '0002_add_created_on.sql': SECOND,
      '0003_third.sql': `insert into things (id, name) values (3, 'third');`,
      '0004_fourth.sql': `insert into things (id, name) values (4, 'fourth');`,
    });
    const run = runMigrations(testDb.db, { schema: 'ordered', directory: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(run).rejects.toThrow('0001_create_things.sql');
    expect(await testDb.db.query('select count(*)::int as n from ordered.things')).toEqual([{ n: 3 }]);
  });

  it('rolls a failing migration back completely and records nothing for it', async () => {
    const dir = await migrationDir('failing', {
      '0001_ok.sql': 'create table ok (id int);',
      '0002_broken.sql': 'create table half (id int); insert into no_such_table values (1);',
    });
    await expect(runMigrations(testDb.db, { schema: 'failing', directory: dir })).rejects.toThrow(/no_such_table/);
    expect(await testDb.db.query('select version from failing.schema_migrations')).toEqual([{ version: 1 }]);
    expect(await testDb.db.query(`select to_regclass('failing.half') as half`)).toEqual([{ half: null }]);
  });

  it('rejects file names that do not follow NNNN_name.sql', async () => {
    const dir = await migrationDir('badname', { 'create_things.sql': FIRST });
    await expect(runMigrations(testDb.db, { schema: 'badname', directory: dir })).rejects.toThrow(/NNNN_name\.sql/);
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    const dir = await migrationDir('empty', {});
    await expect(runMigrations(testDb.db, { schema: 'x; drop table y', directory: dir })).rejects.toThrow(/identifier/);
  });

  it('applies each migration exactly once when two runners start together', async () => {
    // Plain CREATE TABLE fails if it runs twice, so a double application cannot go unnoticed.
    const files: Record<string, string> = {};
    for (let i = 1; i <= 5; i += 1) {
      files[`000${i}_table_${i}.sql`] = `create table t${i} (id int primary key); insert into t${i} values (${i});`;
    }
    const dir = await migrationDir('concurrent', files);
    const other = await testDb.openAnother();

    const results = await Promise.all([
      runMigrations(testDb.db, { schema: 'concurrent', directory: dir }),
      runMigrations(other, { schema: 'concurrent', directory: dir }),
    ]);

    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(Object.keys(files).sort());
    expect(await testDb.db.query('select count(*)::int as n from concurrent.schema_migrations')).toEqual([{ n: 5 }]);
  });
});
