/** Formatting helpers for what the views show. */

/** 1536 → "1.5 KB"; binary multiples, one decimal below 10. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** An ISO timestamp as a local date and time, or the input when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "NezhaForTokenClassification" → "Token classification"; null → "Encoder only". */
export function describeArchitecture(architecture: string | null): string {
  if (!architecture) return 'Encoder only (no head in config.json)';
  const head = architecture.replace(/^(Nezha|NeZha|Bert)(For)?/, '').replace(/^Model$/, 'Encoder');
  const words = head.match(/[A-Z]+(?![a-z])|[A-Z][a-z]+|[a-z]+|\d+/g) ?? [];
  if (words.length === 0) return architecture;
  return words
    .map((word, index) => (index === 0 || word === word.toUpperCase() ? word : word.toLowerCase()))
    .join(' ');
}
