/**
 * Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1 when the whole
 * buffer is UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Node's
 * `buffer.isUtf8()` answers yes or no only; a user fixing a Latin-1 file needs the place.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const n = b[i + k];
      if (n === undefined) return i;
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (n < min || n > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
