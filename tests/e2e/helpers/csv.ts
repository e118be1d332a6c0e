/** The columns of a messages export, in order, as docs/api.md documents them. */
export const MESSAGE_COLUMNS = [
  'id',
  'timestamp',
  'user_id',
  'user_name',
  'kind',
  'message_text',
  'reply_text',
  'response_time_ms',
  'status',
  'instance_id',
  'model',
  'model_version',
  'input_tokens',
  'cached_tokens',
  'output_tokens',
  'reasoning_tokens',
  'finish_reason',
  'block_reason',
  'cost_usd',
  'price_version',
  'mid',
];

/**
 * A strict RFC 4180 reader: CRLF between records, fields quoted with `"` when they hold a comma,
 * quote or line break, `""` for a quote inside. Anything else (a bare CR or LF between fields, a
 * quote inside an unquoted field, text after a closing quote) is an error, not a guess.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(
      `CSV: ${what} at offset ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`,
    );
  };
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i))
        fail('text after a closing quote');
    } else {
      while (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) {
        if (text[i] === '"') fail('quote inside an unquoted field');
        if (text[i] === '\r' || text[i] === '\n') fail('bare line break outside quotes');
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      if (i >= text.length) row.push('');
      continue;
    }
    // CRLF or the end of the text closes the record.
    rows.push(row);
    row = [];
    i += 2;
  }
  return rows;
}
