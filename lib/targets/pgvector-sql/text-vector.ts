/** pgvector text input: '[x1,x2,...]'. Float32 values printed with float64 shortest digits, exact on read-back. */
export function textVector(v: Float32Array): string {
  return `[${Array.prototype.join.call(v, ',')}]`;
}
