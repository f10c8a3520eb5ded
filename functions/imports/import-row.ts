/**
 * One CSV row → a lead's contact data, validated like every other channel's, or the errors that
 * keep it out, each naming the column as the file names it.
 */
import { type RowError, rowField } from '../../domain/imports/csv-import.ts';
import {
  type ColumnTarget,
  type ImportTarget,
  type MappedRow,
  mapRow,
  sourceColumn,
} from '../../domain/imports/header-mapping.ts';
import { rowHash } from '../../domain/imports/row-hash.ts';
import type { Contact } from '../../domain/inbox/inbox-entry.ts';
import { isoDateFrom } from '../../domain/shared/calendar-date.ts';
import { oneLine, stripControls } from '../../domain/shared/plain-text.ts';
import { isReachable, reachableContactFields } from '../../domain/webforms/webform.ts';
import { ContactInput } from '../inbox/contact-input.ts';
import { fieldErrors } from '../shared/validation.ts';

/** As for an entry created by hand. */
export const maxMessageLength = 10_000;

export type RowColumns = { headers: readonly string[]; columns: readonly ColumnTarget[] };

export type RowOutcome =
  | { kind: 'blank' }
  | { kind: 'invalid'; errors: RowError[] }
  | { kind: 'valid'; contact: Contact; message?: string; hash: string };

const isImportTarget = (field: string, columns: readonly ColumnTarget[]): field is ImportTarget =>
  columns.some((target) => target === field);

const cleanRow = (row: MappedRow): MappedRow =>
  Object.fromEntries(
    Object.entries(row).map(([target, value]) => [
      target,
      target === 'message' ? stripControls(value) : oneLine(value).trim(),
    ]),
  );

export const readRow = (layout: RowColumns, row: number, values: readonly string[]): RowOutcome => {
  if (values.every((value) => value.trim() === '')) return { kind: 'blank' };
  // A file is third-party data: control characters are dropped and contact fields read as one
  // line (Outlook writes a two-line street), rather than the row being refused.
  const mapped = cleanRow(mapRow(layout.columns, values));
  const header = (target: ImportTarget): string =>
    layout.headers[sourceColumn(layout.columns, values, target)] ?? target;

  const { message, ...contactFields } = mapped;
  const errors: RowError[] = [];
  const parsed = ContactInput.safeParse(
    contactFields.birthday === undefined
      ? contactFields
      : { ...contactFields, birthday: isoDateFrom(contactFields.birthday) },
  );
  if (!parsed.success) {
    for (const error of fieldErrors(parsed.error, rowField)) {
      errors.push({
        row,
        field: isImportTarget(error.field, layout.columns) ? header(error.field) : error.field,
        message: error.message,
      });
    }
  }
  if (message !== undefined && message.length > maxMessageLength) {
    errors.push({ row, field: header('message'), message: `is longer than ${maxMessageLength} characters` });
  }
  if (parsed.success && !isReachable(parsed.data)) {
    const reachable = layout.headers.filter((_, index) => {
      const target = layout.columns[index];
      return target !== null && target !== undefined && reachableContactFields.some((field) => field === target);
    });
    errors.push({
      row,
      field: rowField,
      message: `gives no way to reach anyone: fill at least one of ${reachable.join(', ')}`,
    });
  }
  if (!parsed.success || errors.length > 0) return { kind: 'invalid', errors };
  return {
    kind: 'valid',
    contact: parsed.data,
    ...(message === undefined ? {} : { message }),
    hash: rowHash(mapped),
  };
};
