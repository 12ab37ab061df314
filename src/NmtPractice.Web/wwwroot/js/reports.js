// Manager: room and therapist utilisation by day, week or month (tables and SVG bar charts), the weekday x hour
// occupancy heatmap, and the CSV export. Every figure is the API's; the page only draws it.
import { get, getStream, paths } from "./api.js";
import { loadClinics } from "./desk.js";
import { addDays, localDate } from "./time.js";
import { announce, errorBox, field, h, replace, svg } from "./ui.js";

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const percent = (ratio) => `${(Number(ratio ?? 0) * 100).toFixed(1)}%`;
const minutes = (value) => Number(value ?? 0).toLocaleString("en-GB");

export async function render(main, user) {
  const clinics = await loadClinics(user);
  if (!clinics.length) {
    replace(main, h("h1", {}, "Reports"), h("p", {}, "No clinic is in your scope."));
    return;
  }
  const zone = clinics[0].timeZone;
  const today = localDate(zone);
  const clinicSelect = h("select", { name: "clinic" },
    clinics.length > 1 ? h("option", { value: "" }, "All my clinics") : null,
    clinics.map((c) => h("option", { value: c.clinicId }, `${c.name} (${c.timeZone})`)));
  const from = h("input", { type: "date", name: "from", value: addDays(today, -7) });
  const to = h("input", { type: "date", name: "to", value: addDays(today, 7) });
  const bucket = h("select", { name: "bucket" },
    h("option", { value: "DAY" }, "Day"), h("option", { value: "WEEK" }, "Week"), h("option", { value: "MONTH" }, "Month"));
  const level = h("select", { name: "level" },
    h("option", { value: "rooms" }, "Rooms"), h("option", { value: "clinics" }, "Clinics"), h("option", { value: "chain" }, "All together"));
  const problem = h("div");
  const rooms = h("section", { "aria-labelledby": "rooms-title" });
  const therapists = h("section", { "aria-labelledby": "therapists-title" });
  const heatmap = h("section", { "aria-labelledby": "heatmap-title" });

  const selectedClinics = () => (clinicSelect.value ? [clinicSelect.value] : clinics.map((c) => c.clinicId));
  const clinicName = (id) => clinics.find((c) => c.clinicId === id)?.name ?? id;
  const params = () => ({ clinicIds: selectedClinics(), fromDate: from.value, toDate: to.value, bucket: bucket.value });
  let therapistNames = new Map();

  // Only the latest request draws: an earlier, slower answer must not replace a newer one.
  let latest = 0;

  async function show() {
    const mine = ++latest;
    replace(problem);
    try {
      const [roomReport, therapistReport, therapistList] = await Promise.all([
        get(paths.roomUtilisation(params())),
        get(paths.therapistUtilisation(params())),
        Promise.all(selectedClinics().map((id) => get(paths.therapists(id)).catch(() => ({ therapists: [] })))),
      ]);
      const heatClinic = clinicSelect.value || clinics[0].clinicId;
      const heat = await get(paths.heatmap(heatClinic, { fromDate: from.value, toDate: to.value }));
      if (mine !== latest) return;
      therapistNames = new Map(therapistList.flatMap((l) => l.therapists ?? []).map((t) => [t.therapistId, t.name]));
      drawRooms(roomReport);
      drawTherapists(therapistReport);
      drawHeatmap(heat);
      rooms.dataset.period = `${from.value}/${to.value}/${bucket.value}`;
      announce("Reports updated.");
    } catch (error) {
      replace(problem, errorBox(error));
    }
  }

  function roomRows(report) {
    return (level.value === "rooms" ? report.rooms : level.value === "clinics" ? report.clinics : report.chain) ?? [];
  }

  function drawRooms(report) {
    const rows = roomRows(report);
    const label = (r) => [r.clinicId ? clinicName(r.clinicId) : "All clinics", r.roomId, r.bucketStart].filter(Boolean).join(" · ");
    replace(rooms,
      h("h2", { id: "rooms-title" }, "Room utilisation"),
      h("p", { class: "muted" }, "Treatment minutes / open minutes; turnover is shown apart and not in the ratio. Dates are each clinic's local dates."),
      barChart("Room utilisation", rows.map((r) => ({ label: label(r), value: Number(r.utilisation ?? 0) }))),
      table("room-utilisation", "Room utilisation table",
        ["Clinic", "Room", "From", "To", "Open min", "Treatment min", "Turnover min", "Appointments", "Utilisation"],
        rows.map((r) => [r.clinicId ? clinicName(r.clinicId) : "All", r.roomId || "All", r.bucketStart, r.bucketEnd,
          minutes(r.openMinutes), minutes(r.treatmentMinutes), minutes(r.turnoverMinutes), r.appointments ?? 0, percent(r.utilisation)]),
        rows.map((r) => ({ clinicId: r.clinicId ?? "", roomId: r.roomId ?? "", bucketStart: r.bucketStart }))));
  }

  function drawTherapists(report) {
    const rows = report.rows ?? [];
    const name = (id) => therapistNames.get(id) ?? id;
    replace(therapists,
      h("h2", { id: "therapists-title" }, "Therapist utilisation"),
      h("p", { class: "muted" }, "Booked minutes / rostered minutes."),
      barChart("Therapist utilisation", rows.map((r) => ({ label: `${name(r.therapistId)} · ${clinicName(r.clinicId)} · ${r.bucketStart}`, value: Number(r.utilisation ?? 0) }))),
      table("therapist-utilisation", "Therapist utilisation table",
        ["Therapist", "Clinic", "From", "To", "Rostered min", "Booked min", "Appointments", "Utilisation"],
        rows.map((r) => [name(r.therapistId), clinicName(r.clinicId), r.bucketStart, r.bucketEnd,
          minutes(r.rosteredMinutes), minutes(r.bookedMinutes), r.appointments ?? 0, percent(r.utilisation)])));
  }

  function drawHeatmap(map) {
    const cells = map.cells ?? [];
    const cell = 22;
    const left = 92;
    const topPad = 22;
    const chart = svg("svg", {
      class: "heatmap", role: "img", viewBox: `0 0 ${left + 24 * cell + 4} ${topPad + 7 * cell + 4}`,
      "aria-label": `Occupancy by weekday and hour at ${map.clinicName}, ${map.fromDate} to ${map.toDate}, hours on the clinic's clock (${map.timeZone})`,
    });
    for (let hour = 0; hour < 24; hour += 3) {
      chart.append(svg("text", { x: left + hour * cell + 2, y: 14, class: "axis-label" }, String(hour).padStart(2, "0")));
    }
    weekdays.forEach((day, i) => chart.append(svg("text", { x: 0, y: topPad + i * cell + 15, class: "axis-label" }, day)));
    for (const c of cells) {
      const row = dayIndex(c.weekday);
      const open = Number(c.openRoomMinutes ?? 0);
      const occupancy = Number(c.occupancy ?? 0);
      chart.append(svg("rect", {
        x: left + c.hour * cell, y: topPad + row * cell, width: cell - 2, height: cell - 2, rx: 3,
        class: open === 0 ? "cell closed-cell" : "cell",
        "fill-opacity": open === 0 ? 1 : (0.12 + 0.88 * Math.min(1, occupancy)).toFixed(2),
      }, svg("title", {}, `${weekdays[row]} ${String(c.hour).padStart(2, "0")}:00 (${map.timeZone}): ${open === 0 ? "closed" : percent(occupancy)}`)));
    }
    const byDay = weekdays.map((_, i) => cells.filter((c) => dayIndex(c.weekday) === i));
    const hours = [...new Set(cells.filter((c) => Number(c.openRoomMinutes ?? 0) > 0).map((c) => c.hour))].sort((a, b) => a - b);
    replace(heatmap,
      h("h2", { id: "heatmap-title" }, `Occupancy heatmap: ${map.clinicName}`),
      h("p", { class: "muted" }, `Hours on the clinic's clock (${map.timeZone}); darker is busier; grey is closed.`),
      chart,
      h("details", {}, h("summary", {}, "Heatmap as a table"),
        table("heatmap", "Occupancy by weekday and hour", ["Day", ...hours.map((x) => `${String(x).padStart(2, "0")}:00`)],
          byDay.map((cellsOfDay, i) => [weekdays[i], ...hours.map((x) => {
            const c = cellsOfDay.find((d) => d.hour === x);
            return c && Number(c.openRoomMinutes ?? 0) > 0 ? percent(c.occupancy) : "closed";
          })]))));
  }

  async function downloadCsv() {
    replace(problem);
    try {
      const chunks = await getStream(paths.exportReport({ kind: "ROOM_UTILISATION", ...params() }));
      const text = chunks.map((c) => c.text ?? "").join("");
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      const link = h("a", { href: url, download: `room-utilisation_${from.value}_${to.value}.csv`, class: "visually-hidden" }, "CSV");
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      announce("CSV downloaded.");
    } catch (error) {
      replace(problem, errorBox(error));
    }
  }

  const form = h("form", { class: "toolbar", "aria-label": "Report period" },
    field("Clinic", clinicSelect),
    field("From", from, "Clinic-local date"),
    field("To", to, "Clinic-local date"),
    field("Group by", bucket),
    field("Rooms shown", level),
    h("button", { type: "submit" }, "Show"),
    h("button", { type: "button", class: "secondary", onclick: downloadCsv }, "Download CSV"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  replace(main, h("h1", {}, "Reports"), form, problem, h("div", { class: "reports" }, rooms, therapists, heatmap));
  await show();
}

function dayIndex(weekday) {
  const names = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
  const i = typeof weekday === "number" ? weekday - 1 : names.indexOf(weekday);
  return Math.max(0, i);
}

/** Horizontal bars, one per row, 0-100 %. */
function barChart(title, bars) {
  const shown = bars.slice(0, 40);
  const rowHeight = 20;
  const labelWidth = 300;
  const width = 640;
  const chart = svg("svg", {
    class: "bars", role: "img", viewBox: `0 0 ${width} ${Math.max(1, shown.length) * rowHeight + 4}`,
    "aria-label": `${title}: bar chart of the ${shown.length} rows in the table below`,
  });
  shown.forEach((bar, i) => {
    const y = i * rowHeight + 2;
    const w = Math.max(0, Math.min(1, bar.value)) * (width - labelWidth - 60);
    chart.append(
      svg("text", { x: 0, y: y + 14, class: "axis-label" }, bar.label.length > 44 ? `${bar.label.slice(0, 43)}…` : bar.label),
      svg("rect", { x: labelWidth, y, width: w, height: rowHeight - 6, rx: 2, class: "bar" }),
      svg("text", { x: labelWidth + w + 4, y: y + 13, class: "axis-label" }, percent(bar.value)));
  });
  return h("figure", { class: "chart" }, chart,
    bars.length > shown.length ? h("figcaption", {}, `First ${shown.length} of ${bars.length} rows; all are in the table.`) : null);
}

function table(name, caption, headers, rows, keys) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h("table", { class: "data", dataset: { report: name } },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((cells, i) => h("tr", { dataset: keys?.[i] ?? {} }, cells.map((c) => h("td", {}, c)))))));
}
