import { describe, expect, it } from 'vitest';
import { parseColumnMap } from '../../../src/book/column-map.ts';
import { BookInputError } from '../../../src/book/errors.ts';
import { bookrunHeaderRow } from '../../../src/book/fields.ts';
import { mapHeaders, normalizeHeader } from '../../../src/book/header-mapping.ts';

describe('normalizeHeader', () => {
  it('keeps only lower-cased letters and digits', () => {
    expect(normalizeHeader('Account Owner (E-mail)')).toBe('accountowneremail');
    expect(normalizeHeader('  contact_2_job_title ')).toBe('contact2jobtitle');
    expect(normalizeHeader('Org #')).toBe('org');
  });
});

describe('when a file has bookrun headers', () => {
  it('maps every column, including all contact groups, and ignores nothing', () => {
    const headers = bookrunHeaderRow(4);
    const mapping = mapHeaders(headers);
    expect(mapping.ignored).toEqual([]);
    expect(mapping.columns.size).toBe(headers.length);
    expect(mapping.columns.get('arrUsd')).toBe(headers.indexOf('ARR (USD)'));
    expect(mapping.columns.get('contact4.doNotContact')).toBe(headers.indexOf('Contact 4 Do Not Contact'));
  });
});

describe('when a file comes from Salesforce or HubSpot', () => {
  it('recognises Salesforce account export headers', () => {
    const headers = ['Account ID', 'Account Name', 'Website', 'Industry', 'Employees', 'Annual Revenue', 'Type', 'Billing Country', 'Account Owner', 'Account Owner Email', 'Last Modified Date', 'Last Activity'];
    const { columns, ignored } = mapHeaders(headers);
    expect(ignored).toEqual([]);
    expect(columns.get('stage')).toBe(6);
    expect(columns.get('region')).toBe(7);
    expect(columns.get('lastModified')).toBe(10);
    expect(columns.get('lastActivity')).toBe(11);
  });

  it('recognises HubSpot company export headers, whatever their case and punctuation', () => {
    const headers = ['Record ID', 'COMPANY NAME', 'company_domain_name', 'Number of Employees', 'Annual Revenue', 'Lifecycle Stage', 'Company owner', 'Last Activity Date'];
    const { columns, ignored } = mapHeaders(headers);
    expect(ignored).toEqual([]);
    expect([...columns.keys()].sort()).toEqual(['arrUsd', 'domain', 'employees', 'externalId', 'lastActivity', 'name', 'ownerName', 'stage']);
  });

  it('prefers the better alias when two columns claim one field, and lists the other as ignored', () => {
    const { columns, ignored } = mapHeaders(['Account ID', 'Account Name', 'Type', 'Stage', 'Favourite Colour']);
    expect(columns.get('stage')).toBe(3);
    expect(ignored).toEqual(['Type', 'Favourite Colour']);
  });
});

describe('when a map file is given', () => {
  it('maps the headers it names and reports keys that match no header', () => {
    const map = parseColumnMap({ columns: { 'Org #': 'externalId', 'Org Name': 'name', 'Main Contact': 'contact1.name', 'Not There': 'notes' } });
    const mapping = mapHeaders(['Org #', 'org name', 'Main Contact', 'Headcount'], map);
    expect(mapping.columns.get('externalId')).toBe(0);
    expect(mapping.columns.get('name')).toBe(1);
    expect(mapping.columns.get('contact1.name')).toBe(2);
    expect(mapping.columns.get('employees')).toBe(3);
    expect(mapping.unusedMapKeys).toEqual(['Not There']);
  });

  it('lets an explicit mapping win over a default alias', () => {
    const map = parseColumnMap({ columns: { Description: 'industry' } });
    const mapping = mapHeaders(['Account ID', 'Account Name', 'Description'], map);
    expect(mapping.columns.get('industry')).toBe(2);
    expect(mapping.columns.has('notes')).toBe(false);
  });

  it('rejects an unknown field, naming the key', () => {
    expect(() => parseColumnMap({ columns: { 'Org Name': 'nmae' } }, 'map.json')).toThrow(/map file map\.json is invalid: key "columns\.Org Name": "nmae" is not a bookrun field/);
  });

  it('rejects unknown top-level keys and a bad date order', () => {
    expect(() => parseColumnMap({ colums: {} }, 'm.json')).toThrow(/unknown key\(s\) "colums"/);
    expect(() => parseColumnMap({ dates: 'ymd' }, 'm.json')).toThrow(/key "dates"/);
  });
});

describe('when a required field has no column', () => {
  it('throws a BookInputError naming the field and listing the headers found', () => {
    let error: unknown;
    try {
      mapHeaders(['Org', 'Headcount']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BookInputError);
    expect(String((error as Error).message)).toMatch(/required fields externalId \(the CRM account id\) and name \(the account name\)/);
    expect(String((error as Error).message)).toContain('headers found: "Org", "Headcount"');
  });

  it('refuses a mapped header that appears twice', () => {
    expect(() => mapHeaders(['Account ID', 'Account Name', 'Employees', 'Employees'])).toThrow(/"Employees" appears 2 times/);
  });
});
