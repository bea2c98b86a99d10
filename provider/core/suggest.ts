/** "Did you mean": the valid values closest to a misspelt one, best first. */

function editDistance(a: string, b: string): number {
  // Optimal string alignment distance: insert, delete, substitute, swap neighbours.
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export function closestMatches(value: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = value.toLowerCase();
  const scored = candidates.map((candidate) => {
    const lower = candidate.toLowerCase();
    // A different case, or a fragment of a longer name, is a closer miss than any edit distance says.
    const score = lower === wanted ? -2 : lower.includes(wanted) && wanted.length >= 4 ? -1 : editDistance(wanted, lower);
    return { candidate, score };
  });
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  return scored
    .filter(({ score }) => score <= threshold)
    .sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
