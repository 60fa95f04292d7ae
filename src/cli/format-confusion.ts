// The confusion matrix and per-class accuracy as a fixed-width table for the terminal; classes
// whose names are not their numbers (Fashion-MNIST's) are listed under it.
export function formatConfusion(confusion: number[][], perClass: number[], classNames?: readonly string[]): string {
  const k = confusion.length;
  const width = Math.max(5, ...confusion.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const named = classNames && classNames.some((name, i) => name !== String(i));
  const lines = [`rows: actual ${named ? 'class' : 'digit'}, columns: predicted`, `      ${Array.from({ length: k }, (_, c) => cell(c)).join('')}   accuracy`];
  confusion.forEach((row, actual) => {
    lines.push(`   ${String(actual).padStart(2)} ${row.map(cell).join('')}   ${perClass[actual].toFixed(4)}`);
  });
  if (named) lines.push(`classes: ${classNames.map((name, i) => `${i} ${name}`).join(', ')}`);
  return lines.join('\n');
}
