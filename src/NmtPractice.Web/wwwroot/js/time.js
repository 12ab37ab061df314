// Times are shown on their clinic's clock, always with the zone: instants come from the API in UTC.

const formatters = new Map();

function formatter(zone, options) {
  const key = `${zone}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options }));
  return formatters.get(key);
}

/** "14:30" on the zone's clock. */
export function clock(instant, zone) {
  return formatter(zone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(instant));
}

/** The zone's abbreviation at that instant ("GMT", "BST", "EST"...) or its offset. */
export function zoneName(instant, zone) {
  const part = formatter(zone, { timeZoneName: "short" }).formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}

/** "14:30 GMT (Europe/London)": what every time the app shows looks like. */
export function clockWithZone(instant, zone) {
  return `${clock(instant, zone)} ${zoneName(instant, zone)} (${zone})`;
}

/** "Mon 1 Jun 2026, 14:30 BST (Europe/London)". */
export function dateTimeWithZone(instant, zone) {
  const day = formatter(zone, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(new Date(instant));
  return `${day}, ${clockWithZone(instant, zone)}`;
}

/** The zone's local date "yyyy-MM-dd" at an instant (now by default). */
export function localDate(zone, instant = Date.now()) {
  const parts = formatter(zone, { year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(instant));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Minutes since local midnight of a "HH:mm" wall-clock time ("24:00" is 1440). */
export function minutesOf(hhmm) {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

export function hhmm(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Minutes since local midnight of an instant on the zone's clock. */
export function localMinutes(instant, zone) {
  return minutesOf(clock(instant, zone));
}

export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week of a "yyyy-MM-dd" date. */
export function mondayOf(date) {
  const d = new Date(`${date}T00:00:00Z`);
  return addDays(date, -((d.getUTCDay() + 6) % 7));
}
