/*
 * JSON text exactly as Python's json.dumps(obj, indent=2, sort_keys=True) writes it, which is how
 * HF transformers writes config.json and tokenizer files. Matching it byte for byte keeps files we
 * write indistinguishable from HF's (diffs stay clean, hashes comparable).
 */

export interface PythonJsonOptions {
  /** json.dumps ensure_ascii (config.json: true; tokenizer files: false). */
  ensureAscii: boolean;
  /** Keys whose integer-valued numbers are Python floats (printed "1.0", not "1"). */
  floatKeys?: ReadonlySet<string>;
  /**
   * Keys whose object values had int keys in Python (id2label, added_tokens_decoder): sorted
   * numerically, as sorted() sorts ints, when every key is an integer string.
   */
  intKeyedObjects?: ReadonlySet<string>;
}

/** Python's repr() of a float: shortest round-trip digits, fixed for 1e-4 <= |x| < 1e16, else d.ddde±XX. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1) || '0';
    return `${sign}${integer}.${fraction}`;
  }
  const expSign = exponent < 0 ? '-' : '+';
  const expDigits = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${expSign}${expDigits}`;
}

function escapeString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0) as number);
  const cb = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}

/** Serialises `value` like json.dumps(value, indent=2, sort_keys=True), without the trailing newline. */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions): string {
  const write = (node: unknown, key: string | null, depth: number): string => {
    const pad = '  '.repeat(depth + 1);
    const closePad = '  '.repeat(depth);
    if (node === null || node === undefined) return 'null';
    if (typeof node === 'boolean') return node ? 'true' : 'false';
    if (typeof node === 'number') {
      if (key !== null && options.floatKeys?.has(key)) return pythonFloatRepr(node);
      return Number.isInteger(node) && Math.abs(node) < 1e21 ? String(node) : pythonFloatRepr(node);
    }
    if (typeof node === 'bigint') return node.toString();
    if (typeof node === 'string') return escapeString(node, options.ensureAscii);
    if (Array.isArray(node)) {
      if (node.length === 0) return '[]';
      return `[\n${node.map((item) => pad + write(item, key, depth + 1)).join(',\n')}\n${closePad}]`;
    }
    if (typeof node === 'object') {
      const keys = Object.keys(node as Record<string, unknown>);
      if (keys.length === 0) return '{}';
      const numeric =
        key !== null && options.intKeyedObjects?.has(key) && keys.every((k) => /^-?(0|[1-9]\d*)$/.test(k));
      keys.sort(numeric ? (a, b) => Number(a) - Number(b) : compareCodePoints);
      const entries = keys.map(
        (k) =>
          `${pad}${escapeString(k, options.ensureAscii)}: ${write((node as Record<string, unknown>)[k], k, depth + 1)}`,
      );
      return `{\n${entries.join(',\n')}\n${closePad}}`;
    }
    throw new TypeError(`cannot serialise a ${typeof node} as JSON`);
  };
  return write(value, null, 0);
}
