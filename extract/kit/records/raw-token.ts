/**
 * Finds the source text of the value at a path in a JSON document, for the rare values JSON.parse
 * cannot represent exactly (integers above 2^53). The text is known to be valid JSON already.
 */

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** Index just past the string starting at i (text[i] is the opening quote). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

/** Index just past the value starting at i. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text[j];
      if (d === '"') j = skipString(text, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \n\r\t'.includes(text[j]!)) j++;
  return j;
}

export function rawTokenAt(text: string, path: readonly string[]): string | undefined {
  let i = skipWhitespace(text, 0);
  for (const part of path) {
    if (text[i] !== '{') return undefined;
    i = skipWhitespace(text, i + 1);
    let found = false;
    while (i < text.length && text[i] !== '}') {
      const keyEnd = skipString(text, i);
      const name = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipWhitespace(text, keyEnd);
      i = skipWhitespace(text, i + 1); // past ':'
      if (name === part) {
        found = true;
        break;
      }
      i = skipWhitespace(text, skipValue(text, i));
      if (text[i] === ',') i = skipWhitespace(text, i + 1);
    }
    if (!found) return undefined;
  }
  return text.slice(i, skipValue(text, i));
}
