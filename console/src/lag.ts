/**
 * How far behind the newest change seen a polling source is: `45 s`, `9 min`, `3 h 5 min`,
 * `12 d`. Free of the DOM, so a unit test outside the browser imports it.
 */
export function lag(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d`;
}
