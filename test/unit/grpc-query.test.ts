// Query over our gRPC server: JSON-lines needles filtered and projected with upstream's semantics
// (gjson paths, its operators per value type, tidwall/match wildcards), one stripe per file id,
// gzipped needles inflated, a cookie mismatch ending the stream quietly, and missing volumes or
// needles failing it.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import { formatFileId } from '../../src/storage/needle/file-id.ts';
import { NeedleFlag, newNeedle } from '../../src/storage/needle/needle.ts';
import type { ClientRequestOf } from '../../src/server/grpc/context.ts';
import { type TestGrpcServer, allMessages, startTestGrpcServer } from '../support/grpc-test-context.ts';
import { allocateTestVolume } from '../support/helpers.ts';
import { suiteScope } from '../support/suite-scope.ts';

const VOLUME_ID = 3;
const COOKIE = 0x0badf00d;
const PEOPLE = [
  '{"name":"ada","age":36,"admin":true,"address":{"city":"london"}}',
  '{"name":"bob","age":17,"admin":false,"address":{"city":"paris"}}',
  'not json at all',
  '',
  '{"name":"cy","age":52,"address":{"city":"lisbon"}}',
].join('\n');

const fid = (needleId: bigint, cookie = COOKIE) => formatFileId({ volumeId: VOLUME_ID, needleId, cookie });

describe('Query over gRPC', () => {
  const scope = suiteScope();
  let server: TestGrpcServer;

  before(async () => {
    server = await startTestGrpcServer(scope, 'nw-grpc-query-');
    const volume = await allocateTestVolume(server.ctx.store, VOLUME_ID);
    await volume.write(newNeedle({ id: 1n, cookie: COOKIE, data: Buffer.from(PEOPLE) }));
    await volume.write(
      newNeedle({
        id: 2n,
        cookie: COOKIE,
        data: gzipSync(Buffer.from('{"name":"dee","age":41}\n{"name":"eve","age":29}\n')),
        flags: NeedleFlag.IsCompressed,
      }),
    );
  });

  function query(
    fileIds: string[],
    selections: string[],
    filter: { field: string; operand: string; value: string },
    input: ClientRequestOf<'Query'>['input_serialization'] = { json_input: { type: 'LINES' } },
  ): Promise<string[]> {
    const stream = server.client.Query({ from_file_ids: fileIds, selections, filter, input_serialization: input });
    return allMessages(stream).then((stripes) => stripes.map((s) => Buffer.from(s.records).toString()));
  }

  /** The names of the people a filter on needle 1 passes. */
  async function names(field: string, operand: string, value: string): Promise<string> {
    const [stripe] = await query([fid(1n)], ['name'], { field, operand, value });
    assert.ok(stripe !== undefined, 'one stripe per file id');
    return stripe;
  }

  it('projects the selected paths of each passing line, missing ones empty', async () => {
    const stripes = await query([fid(1n)], ['name', 'address.city', 'nickname'], {
      field: 'age',
      operand: '>',
      value: '18',
    });
    assert.deepEqual(stripes, [
      '{name:"ada",address.city:"london",nickname:}{name:"cy",address.city:"lisbon",nickname:}',
    ]);
  });

  it('compares numbers as numbers', async () => {
    assert.equal(await names('age', '=', '17'), '{name:"bob"}');
    assert.equal(await names('age', '!=', '17'), '{name:"ada"}{name:"cy"}');
    assert.equal(await names('age', '<', '40'), '{name:"ada"}{name:"bob"}');
    assert.equal(await names('age', '<=', '36'), '{name:"ada"}{name:"bob"}');
    assert.equal(await names('age', '>=', '52'), '{name:"cy"}');
    assert.equal(await names('age', '>', 'not a number'), '{name:"ada"}{name:"bob"}{name:"cy"}', 'as 0, as Go');
    assert.equal(await names('age', '%', '3*'), '', 'no wildcard on numbers');
  });

  it('compares strings as strings, with * and ? wildcards', async () => {
    assert.equal(await names('name', '=', 'bob'), '{name:"bob"}');
    assert.equal(await names('name', '!=', 'bob'), '{name:"ada"}{name:"cy"}');
    assert.equal(await names('name', '<', 'b'), '{name:"ada"}');
    assert.equal(await names('name', '<=', 'bob'), '{name:"ada"}{name:"bob"}');
    assert.equal(await names('name', '>', 'bob'), '{name:"cy"}');
    assert.equal(await names('name', '>=', 'bob'), '{name:"bob"}{name:"cy"}');
    assert.equal(await names('address.city', '%', 'l*'), '{name:"ada"}{name:"cy"}');
    assert.equal(await names('address.city', '%', 'p?ris'), '{name:"bob"}');
    assert.equal(await names('address.city', '!%', 'l*'), '{name:"bob"}');
    assert.equal(await names('address.city', '%', 'lo.don'), '', 'a dot is no wildcard');
    assert.equal(await names('name', '~', 'ada'), '', 'an unknown operand passes nothing');
  });

  it('compares booleans as gjson does, and an empty operand tests existence', async () => {
    assert.equal(await names('admin', '=', 'true'), '{name:"ada"}');
    assert.equal(await names('admin', '!=', 'true'), '{name:"bob"}');
    assert.equal(await names('admin', '>', 'false'), '{name:"ada"}', 'true > false');
    assert.equal(await names('admin', '<', 'true'), '{name:"bob"}', 'false < true');
    assert.equal(await names('admin', '>=', 'anything'), '{name:"ada"}');
    assert.equal(await names('admin', '<=', 'anything'), '{name:"bob"}');
    assert.equal(await names('admin', '', ''), '{name:"ada"}{name:"bob"}', 'cy has no admin field');
    assert.equal(await names('address', '=', 'london'), '', 'an object compares to nothing');
  });

  it('inflates a gzipped needle and answers one stripe per file id', async () => {
    const stripes = await query([fid(1n), fid(2n)], ['name'], { field: 'age', operand: '>', value: '40' });
    assert.deepEqual(stripes, ['{name:"cy"}', '{name:"dee"}']);
  });

  it('sends nothing for CSV input', async () => {
    assert.deepEqual(await query([fid(1n)], ['name'], { field: '', operand: '', value: '' }, { csv_input: {} }), []);
  });

  it('ends the stream without an error at a cookie mismatch, sending nothing more', async () => {
    const stripes = await query([fid(1n), fid(2n, COOKIE + 1), fid(1n)], ['name'], {
      field: 'age',
      operand: '>',
      value: '50',
    });
    assert.deepEqual(stripes, ['{name:"cy"}'], 'the first stripe only');
  });

  it('fails for a missing volume or needle', async () => {
    const filter = { field: 'age', operand: '>', value: '0' };
    await assert.rejects(
      query([formatFileId({ volumeId: 99, needleId: 1n, cookie: COOKIE })], ['name'], filter),
      (err: grpc.ServiceError) => /volume 99 not found/.test(err.details),
    );
    await assert.rejects(query([fid(77n)], ['name'], filter), (err: grpc.ServiceError) =>
      /not found/.test(err.details),
    );
  });
});
