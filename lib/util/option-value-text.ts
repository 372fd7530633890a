/**
 * How an option's value is quoted in an error message, for any value at all: a string as JSON,
 * a number as itself, an object as short JSON when it has one. Never throws (a Symbol, a BigInt,
 * a cycle, a null-prototype object or a throwing toJSON only get their kind named).
 */
export function optionValueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return clip(JSON.stringify(value));
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  try {
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) return clip(json);
  } catch {
    // Below.
  }
  return Array.isArray(value) ? 'an array' : 'an object';
}

const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}...` : text);
