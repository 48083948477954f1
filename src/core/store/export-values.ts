/**
 * Text encodings of single values for the run exports: numbers, CSV cells, JSON values
 * and InfluxDB line-protocol elements.
 */

/**
 * The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612);
 * of two equally short ones, either. Non-finite values are the caller's business.
 */
export function float32Text(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 16_777_216) return String(x);
  // fast path for the short decimals network features mostly are (20.8, 0.25, 60.125):
  // the fewest decimals that read back is the shortest form
  if (Math.abs(x) < 1e6) {
    for (let k = 10; k <= 1000; k *= 10) {
      const v = Math.round(x * k) / k;
      if (Math.fround(v) === x) return String(v);
    }
  }
  // a 6-digit rounding of a normal float32 lands on any shorter form that reads back; subnormals are coarser
  for (let p = Math.abs(x) < 1.1754943508222875e-38 ? 1 : 6; p < 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return String(v);
  }
  return String(Number(x.toPrecision(9)));
}

/** a number for CSV: `inf`/`-inf` as the lab's reader and pandas read them, NaN as an empty (missing) cell */
export function csvNumber(x: number, float32: boolean): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x !== x) return '';
  return float32 ? float32Text(x) : String(x);
}

/**
 * A text cell (a class, device, category or column name) for CSV. OWASP's CSV-injection
 * rule: a cell a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`,
 * tab or carriage return, or their full-width forms) gets a leading `'` and is quoted.
 * A cell that is a plain number (`-5`, `+1.5e3`) is not a formula and stays as it is, so
 * it still reads as a number. Then RFC 4180: a cell with a comma, a double quote or a
 * line break is quoted, quotes doubled. Numeric columns are written by `csvNumber` and
 * never touched.
 */
export function csvCell(s: string): string {
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** a number for JSON, which cannot hold ±∞ or NaN: "inf"/"-inf" (strings) and null */
export function jsonNumber(x: number, float32: boolean): string {
  if (x === Infinity) return '"inf"';
  if (x === -Infinity) return '"-inf"';
  if (x !== x) return 'null';
  return float32 ? float32Text(x) : String(x);
}

/** `Header_Length` → `header_length`, `Tot size` → `tot_size`, `srcBytes` → `src_bytes` */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** line protocol has no way to hold a line break inside an element */
const LINE_BREAKS = /\r\n|[\r\n]/g;

/** line protocol: a measurement name (commas and spaces escaped) */
export function lpMeasurement(s: string): string {
  return s.replace(LINE_BREAKS, ' ').replace(/[\\, ]/g, '\\$&');
}

/** line protocol: a tag key, tag value or field key (backslashes, commas, equals signs and spaces escaped) */
export function lpKey(s: string): string {
  return s.replace(LINE_BREAKS, ' ').replace(/[\\,= ]/g, '\\$&');
}

/** line protocol: a string field value, quoted (backslashes and double quotes escaped) */
export function lpString(s: string): string {
  return `"${s.replace(LINE_BREAKS, ' ').replace(/[\\"]/g, '\\$&')}"`;
}

const NS_PER_S = 1_000_000_000n;

/** line protocol: seconds as an integer count of nanoseconds (exact beyond 2^53 ns, as epoch times are) */
export function lpTimestampNs(seconds: number): string {
  const whole = Math.floor(seconds);
  let ns = Math.round((seconds - whole) * 1e9);
  let s = BigInt(whole);
  if (ns >= 1e9) {
    s += 1n;
    ns -= 1e9;
  }
  return (s * NS_PER_S + BigInt(ns)).toString();
}
