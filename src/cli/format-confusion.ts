// The confusion matrix and per-class accuracy as a fixed-width table for the terminal.
export function formatConfusion(confusion: number[][], perClass: number[]): string {
  const k = confusion.length;
  const width = Math.max(5, ...confusion.flat().map((v) => String(v).length + 1));
  const cell = (s: string | number) => String(s).padStart(width);
  const lines = ['rows: actual digit, columns: predicted', `      ${Array.from({ length: k }, (_, c) => cell(c)).join('')}   accuracy`];
  confusion.forEach((row, actual) => {
    lines.push(`   ${String(actual).padStart(2)} ${row.map(cell).join('')}   ${perClass[actual].toFixed(4)}`);
  });
  return lines.join('\n');
}
