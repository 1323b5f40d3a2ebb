import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUnavailableReason, startPgCluster, type PgCluster } from './pgCluster';

const reason = pgUnavailableReason();
if (reason) console.warn(`skipping PostgreSQL tests: ${reason}`);

describe.skipIf(reason !== null)('pgCluster', () => {
  let cluster: PgCluster;
  beforeAll(async () => { cluster = await startPgCluster(); }, 60_000);
  afterAll(() => cluster?.stop());

  it('starts a server that answers on its URL and creates databases', async () => {
    const client = new pg.Client({ connectionString: cluster.createDatabase('harness_check') });
    await client.connect();
    const { rows } = await client.query('select 1 + 1 as two');
    await client.end();
    expect(rows[0].two).toBe(2);
  });
});
