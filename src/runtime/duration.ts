/** Go's time.Duration text, as Flux's APIs and logs use it ("1m0s", "1.5s", "500ms"). */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s);
  if (!m) return undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** Formats milliseconds as Go prints a Duration: 1h2m3.5s, 1m0s, 750ms, 1.5µs, 0s. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let v = Math.abs(ms);
  let out: string;
  if (v < 1) {
    const us = v * 1000;
    out = us < 1 ? `${trimFraction(us * 1000, 0)}ns` : `${trimFraction(us, 3)}µs`;
  } else if (v < 1000) {
    out = `${trimFraction(v, 6)}ms`;
  } else {
    const h = Math.floor(v / 3_600_000);
    v -= h * 3_600_000;
    const m = Math.floor(v / 60_000);
    v -= m * 60_000;
    const s = `${trimFraction(v / 1000, 9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

/** A duration with ±percent random jitter (Flux's --interval-jitter-percentage, 5 by default). */
export function jitter(ms: number, percent = 5, random: () => number = Math.random): number {
  if (percent <= 0) return ms;
  const spread = (ms * percent) / 100;
  return Math.round(ms - spread + random() * 2 * spread);
}
