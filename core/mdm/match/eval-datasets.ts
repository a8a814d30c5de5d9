import { parse } from 'csv-parse/sync';
import { HubError } from '../../errors/index.ts';
import type { MatchInputRecord } from './config.ts';
import type { LabelledRecord } from './evaluate.ts';

export type EvalRecord = MatchInputRecord & LabelledRecord;

function readRows(text: string, source: string): Array<Record<string, string>> {
  try {
    return parse(text, {
      columns: true,
      trim: true,
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new HubError('invalid_data', 'unreadable_csv', `${source}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** FEBRL columns mapped onto the person matcher's fields. */
const FEBRL_FIELDS: Readonly<Record<string, string>> = {
  given_name: 'givenName',
  surname: 'familyName',
  street_number: 'streetNumber',
  address_1: 'street',
  address_2: 'locality',
  suburb: 'city',
  postcode: 'postcode',
  state: 'region',
  date_of_birth: 'birthDate',
  soc_sec_id: 'nationalId',
};

/** FEBRL person records; `rec-N-org` and `rec-N-dup-K` share the label N. */
export function parseFebrl(text: string, source: string, group?: string): EvalRecord[] {
  return readRows(text, source).map((row, index) => {
    const id = row.rec_id;
    const label = /^rec-(\d+)-(org|dup-\d+)$/.exec(id ?? '')?.[1];
    if (!id || !label) {
      throw new HubError(
        'invalid_data',
        'bad_febrl_id',
        `${source} row ${index + 2}: rec_id "${id}" is not rec-N-org or rec-N-dup-K`,
        {
          fieldPath: 'rec_id',
          details: { recordId: id },
        },
      );
    }
    const values: Record<string, string> = {};
    for (const [column, field] of Object.entries(FEBRL_FIELDS)) if (row[column]) values[field] = row[column];
    return { id: group ? `${group}:${id}` : id, group, label, values };
  });
}

export interface CsvEvalOptions {
  truthColumn: string;
  idColumn?: string;
  group?: string;
}

/** Any CSV with a truth column: rows with equal truth values are the same entity. */
export function parseLabelledCsv(text: string, source: string, options: CsvEvalOptions): EvalRecord[] {
  const rows = readRows(text, source);
  if (rows.length > 0 && !(options.truthColumn in rows[0])) {
    throw new HubError(
      'invalid_data',
      'missing_truth_column',
      `${source}: no column "${options.truthColumn}"`,
      {
        fieldPath: options.truthColumn,
      },
    );
  }
  return rows.map((row, index) => {
    const rawId = (options.idColumn && row[options.idColumn]) || `row-${index + 2}`;
    const label = row[options.truthColumn];
    if (!label) {
      throw new HubError(
        'invalid_data',
        'missing_truth',
        `${source} record ${rawId}: empty ${options.truthColumn}`,
        {
          fieldPath: options.truthColumn,
          details: { recordId: rawId },
        },
      );
    }
    const values = { ...row };
    delete values[options.truthColumn];
    const id = options.group ? `${options.group}:${rawId}` : rawId;
    return { id, group: options.group, label, values };
  });
}
