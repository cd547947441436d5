import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv, type CsvItem } from '../../../src/book/read-csv.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bookrun-read-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, content: string | Buffer): Promise<CsvItem[]> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const items: CsvItem[] = [];
  for await (const item of readCsv(file)) items.push(item);
  return items;
}

const lines = (items: CsvItem[]) => items.map((i) => (i.kind === 'record' ? [i.line, i.cells[0]] : [i.line, `broken to ${i.lastLine}`]));

describe('when reading a CSV file', () => {
  it('reports the physical line a row starts on, with CRLF line breaks inside quoted cells', async () => {
    const items = await read('crlf.csv', '\ufeffid,notes\r\n1,"a\r\nb\r\nc"\r\n2,plain\r\n\r\n3,"x, y"\r\n');
    expect(lines(items)).toEqual([
      [1, 'id'],
      [2, '1'],
      [5, '2'],
      [7, '3'],
    ]);
    expect(items[1]).toMatchObject({ cells: ['1', 'a\r\nb\r\nc'] });
    expect(items[3]).toMatchObject({ cells: ['3', 'x, y'] });
  });

  it('does the same for LF and for a last line without a line break', async () => {
    expect(lines(await read('lf.csv', 'id,notes\n1,"a\nb"\n2,z'))).toEqual([
      [1, 'id'],
      [2, '1'],
      [4, '2'],
    ]);
  });

  it('reads UTF-16 files as Excel writes them', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\r\n1,"Zoë\r\nMüller"\r\n2,北京\r\n', 'utf16le')]);
    const items = await read('utf16.csv', utf16);
    expect(lines(items)).toEqual([
      [1, 'id'],
      [2, '1'],
      [4, '2'],
    ]);
    expect(items[2]).toMatchObject({ cells: ['2', '北京'] });
  });

  it('returns a row it cannot split as broken, at its line, and carries on', async () => {
    const items = await read('quote.csv', 'id,name\n1,ok\n2,Bad "Quote" Co\n3,fine\n');
    expect(lines(items)).toEqual([
      [1, 'id'],
      [2, '1'],
      [3, 'broken to 3'],
      [4, '3'],
    ]);
    expect(items[2]).toMatchObject({ reason: expect.stringContaining('appears inside an unquoted cell') });
  });

  it('reports an unclosed quote with the span of lines it swallowed', async () => {
    const items = await read('unclosed.csv', 'id,name\n1,ok\n2,"never closed\n3,lost\n');
    expect(items[2]).toMatchObject({ kind: 'broken', line: 3, lastLine: 4, reason: expect.stringMatching(/never closed \(lines 3–4/) });
  });
});
