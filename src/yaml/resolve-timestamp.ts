/**
 * Plain timestamps as gopkg.in/yaml.v3 reads them and kustomize then writes them.
 *
 * yaml.v3 tries Go's time.Parse with four layouts on any plain scalar that starts with four
 * digits and a dash: "2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case "t",
 * "2006-1-2 15:4:5.999999999" (no zone) and "2006-1-2". kustomize turns the time.Time into
 * JSON, which is RFC 3339 with nanoseconds (trailing zeros dropped) in the zone as written,
 * "Z" for a zero offset. So the value we keep is that JSON text.
 *
 * Go's parser details mirrored here: month, day, hour, minute and second take one or two
 * digits; the fraction may follow a '.' or a ',' and keeps its first nine digits; the space
 * in the third layout matches one or more spaces; the day must exist in that month; an
 * offset hour may be up to 24 and a minute up to 60 (Go's own range test), but an offset of
 * 24 hours or more cannot be written as JSON and fails.
 */

/** Thrown when a timestamp parses but Go cannot write it as JSON. */
export class TimestampRangeError extends Error {}

function twoDigits(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when s looks like the start of a timestamp: exactly four digits, then '-'. */
export function timestampCandidate(s: string): boolean {
  if (s.length < 5 || s.charCodeAt(4) !== 0x2d) return false;
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

let at = 0; // cursor shared by the small readers below (single-threaded, not re-entrant)

/** One or two digits (Go's getnum with fixed=false); -1 when there is no digit. */
function num12(s: string): number {
  const a = s.charCodeAt(at) - 0x30;
  if (!(a >= 0 && a <= 9)) return -1;
  const b = s.charCodeAt(at + 1) - 0x30;
  if (b >= 0 && b <= 9) {
    at += 2;
    return a * 10 + b;
  }
  at += 1;
  return a;
}

/** Exactly two digits; -1 otherwise. */
function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The RFC 3339 text of a yaml.v3 timestamp, or undefined when s is not one (it then stays a
 * string, or becomes a number if it reads as one). Throws TimestampRangeError when Go would
 * parse it but fail to write it.
 */
export function parseTimestamp(s: string): string | undefined {
  if (!timestampCandidate(s)) return undefined;
  const len = s.length;
  const year = (s.charCodeAt(0) - 0x30) * 1000 + (s.charCodeAt(1) - 0x30) * 100 + (s.charCodeAt(2) - 0x30) * 10 + (s.charCodeAt(3) - 0x30);
  at = 5;
  const month = num12(s);
  if (month < 0 || s.charCodeAt(at) !== 0x2d) return undefined;
  at++;
  const day = num12(s);
  if (day < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  const date = String(year).padStart(4, '0') + '-' + twoDigits(month) + '-' + twoDigits(day);
  if (at === len) return date + 'T00:00:00Z';

  let zoned: boolean;
  const sep = s.charCodeAt(at);
  if (sep === 0x54 || sep === 0x74) {
    zoned = true; // 'T' or 't'
    at++;
  } else if (sep === 0x20) {
    zoned = false;
    while (s.charCodeAt(at) === 0x20) at++;
  } else {
    return undefined;
  }
  const hour = num12(s);
  if (hour < 0 || hour >= 24 || s.charCodeAt(at) !== 0x3a) return undefined;
  at++;
  const minute = num12(s);
  if (minute < 0 || minute >= 60 || s.charCodeAt(at) !== 0x3a) return undefined;
  at++;
  const second = num12(s);
  if (second < 0 || second >= 60) return undefined;

  let frac = '';
  const dot = s.charCodeAt(at);
  if ((dot === 0x2e || dot === 0x2c) && s.charCodeAt(at + 1) >= 0x30 && s.charCodeAt(at + 1) <= 0x39) {
    let j = at + 1;
    while (j < len && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
    frac = s.slice(at + 1, Math.min(j, at + 10)).replace(/0+$/, '');
    at = j;
  }

  let zone = 'Z';
  if (zoned) {
    const z = s.charCodeAt(at);
    if (z === 0x5a) {
      at++; // 'Z'
    } else {
      if (len - at < 6 || s.charCodeAt(at + 3) !== 0x3a || (z !== 0x2b && z !== 0x2d)) return undefined;
      const oh = num2(s, at + 1);
      const om = num2(s, at + 4);
      if (oh < 0 || om < 0 || oh > 24 || om > 60) return undefined;
      at += 6;
      const total = oh * 60 + om;
      if (total !== 0) {
        const h = Math.floor(total / 60);
        if (h >= 24) throw new TimestampRangeError('Time.MarshalJSON: timezone hour outside of range [0,23]');
        zone = (z === 0x2d ? '-' : '+') + twoDigits(h) + ':' + twoDigits(total % 60);
      }
    }
  }
  if (at !== len) return undefined;
  return date + 'T' + twoDigits(hour) + ':' + twoDigits(minute) + ':' + twoDigits(second) + (frac ? '.' + frac : '') + zone;
}
