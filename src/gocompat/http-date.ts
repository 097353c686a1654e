// HTTP dates in Go's http.TimeFormat ("Mon, 02 Jan 2006 15:04:05 GMT"), parsed as strictly as Go.
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FORMAT_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The last date formatted: reads of needles written in the same second (and Date headers) repeat it. */
let lastFormatted = { unixSeconds: Number.NaN, text: '' };

export function formatHttpDate(unixSeconds: number): string {
  if (unixSeconds === lastFormatted.unixSeconds) return lastFormatted.text;
  const d = new Date(unixSeconds * 1000);
  const text = `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`;
  lastFormatted = { unixSeconds, text };
  return text;
}

/** Unix seconds, or undefined when Go's time.Parse(http.TimeFormat, …) would fail. */
export function parseHttpDate(text: string): number | undefined {
  const m = FORMAT_RE.exec(text);
  if (m === null) return undefined;
  const [, , dayText, monthText, yearText, hourText, minuteText, secondText] = m as unknown as string[];
  const day = Number(dayText);
  const month = MONTHS.indexOf(monthText as string);
  const year = Number(yearText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  if (hour > 23 || minute > 59 || second > 59 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; Go does not.
  const fixed = year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
  return Math.floor(fixed / 1000);
}

const RFC850_RE =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ANSIC_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Go's http.ParseTime: http.TimeFormat, then RFC 850 (GMT only; two-digit years as Go reads
 * them) and ANSI C asctime. Unix seconds, or undefined.
 */
export function parseHttpTime(text: string): number | undefined {
  const primary = parseHttpDate(text);
  if (primary !== undefined) return primary;
  let m = RFC850_RE.exec(text);
  if (m !== null) {
    const yy = Number(m[4]);
    const year = yy >= 69 ? 1900 + yy : 2000 + yy;
    return parseHttpDate(`Mon, ${m[2]} ${m[3]} ${year} ${m[5]}:${m[6]}:${m[7]} GMT`);
  }
  m = ANSIC_RE.exec(text);
  if (m !== null)
    return parseHttpDate(
      `Mon, ${(m[3] as string).trim().padStart(2, '0')} ${m[2]} ${m[7]} ${m[4]}:${m[5]}:${m[6]} GMT`,
    );
  return undefined;
}
