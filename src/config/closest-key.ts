/**
 * The known key a misspelt one most likely meant: the same letters in another case or with `_`/`-`
 * (`base_url`, `BaseUrl` for `baseUrl`), or at most two edits away — one for keys of three or four
 * letters (`ulr`, `kidn`), none for two, so `at` does not turn into `as` — a swap of two neighbours
 * counting as one (`evnet`).
 * Undefined when nothing is that close: a wrong suggestion costs more than none.
 */
export function closestKey(written: string, known: readonly string[]): string | undefined {
  const folded = fold(written);
  const variant = known.find((key) => key !== written && fold(key) === folded);
  if (variant) return variant;
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    if (key === written) continue;
    const distance = editDistance(written.toLowerCase(), key.toLowerCase());
    const shorter = Math.min(written.length, key.length);
    const allowed = shorter <= 2 ? 0 : shorter <= 4 ? 1 : 2;
    if (distance <= allowed && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

const fold = (key: string) => key.toLowerCase().replace(/[-_]/g, "");

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
