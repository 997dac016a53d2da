// Reads an .ics file (path argument, or stdin) with ical.js, Thunderbird's parser, and prints
// a JSON list of its VEVENTs: uid, and start/end as UTC ISO strings as ical.js computes them
// from the file's own VTIMEZONEs. The Python tests compare these with zoneinfo's instants.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2] ?? 0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
const calendars = root.name === "vcalendar" ? [root] : root.getAllSubcomponents("vcalendar");

// Only the zones the file itself defines (ical.js knows no other than UTC): what the
// file says is what a client without its own zone database computes.
ICAL.TimezoneService.reset();
for (const calendar of calendars) {
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
}

function utc(time) {
  if (time === null) return null;
  const zone = time.zone;
  if (time.timezone && (!zone || zone.tzid !== time.timezone)) {
    throw new Error(`unknown TZID ${time.timezone}`);
  }
  return time.toJSDate().toISOString();
}

const events = [];
for (const calendar of calendars) {
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    events.push({
      uid: event.uid,
      start: utc(event.startDate),
      end: utc(event.endDate),
      tzid: event.startDate.timezone ?? event.startDate.zone?.tzid ?? null,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      summary: event.summary,
      description: event.description,
      location: event.location,
      url: vevent.getFirstPropertyValue("url"),
      calendarName: calendar.getFirstPropertyValue("x-wr-calname"),
    });
  }
}
process.stdout.write(JSON.stringify(events));
