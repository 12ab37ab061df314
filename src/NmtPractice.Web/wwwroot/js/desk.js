// Front desk: a clinic's day as a grid (rooms as columns, time as rows), therapists on shift, and booking,
// rescheduling, cancelling, check-in, completion and no-shows. Every rule is the API's: a refusal is shown with its
// reason and, for a conflict, the alternative slots the API offered.
import { ApiError, get, newRequestId, paths, post } from "./api.js";
import { addDays, clock, clockWithZone, dateTimeWithZone, hhmm, localDate, localMinutes, minutesOf, zoneName } from "./time.js";
import { announce, errorBox, field, h, openDialog, replace } from "./ui.js";

// One grid row per quarter hour; pixels per minute of the day.
const ROW_MINUTES = 15;
const PX_PER_MINUTE = 1.6;

const statusLabels = {
  PENDING: "Held",
  BOOKED: "Booked",
  ARRIVED: "Checked in",
  FULFILLED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "No-show",
};

// Client names by id, once read; the look-ups in flight, so that one client is read once.
const clientNames = new Map();
const clientLookups = new Map();

function clientName(clientId) {
  if (!clientLookups.has(clientId)) {
    clientLookups.set(clientId, get(paths.client(clientId))
      .then((c) => `${c.givenName ?? ""} ${c.familyName ?? ""}`.trim() || clientId)
      .catch(() => clientId)
      .then((name) => {
        clientNames.set(clientId, name);
        return name;
      }));
  }
  return clientLookups.get(clientId);
}

export async function loadClinics(user) {
  if (user.clinicIds?.length) {
    return Promise.all(user.clinicIds.map((id) => get(paths.clinic(id))));
  }
  const list = await get(paths.clinics());
  return list.clinics ?? [];
}

export async function render(main, user) {
  const clinics = await loadClinics(user);
  if (!clinics.length) {
    replace(main, h("h1", {}, "Front desk"), h("p", {}, "No clinic is in your scope."));
    return;
  }
  const state = {
    clinic: clinics[0],
    date: localDate(clinics[0].timeZone),
    view: null,
    selected: null,
    therapists: new Map(),
  };

  const clinicSelect = h("select", { name: "clinic" }, clinics.map((c) => h("option", { value: c.clinicId }, c.name)));
  const dateInput = h("input", { type: "date", name: "date", value: state.date });
  const clinicClock = h("p", { class: "clinic-clock", "aria-live": "off" });
  const gridArea = h("section", { class: "day", "aria-label": "Day grid" });
  const shiftArea = h("section", { class: "shifts", "aria-labelledby": "shifts-title" });
  const detailArea = h("section", { class: "detail", "aria-label": "Selected appointment" });

  const tick = () => {
    clinicClock.textContent = `Clinic time: ${dateTimeWithZone(Date.now(), state.clinic.timeZone)}`;
  };

  async function refresh(keepSelection = true) {
    state.view = await get(paths.clinicDay(state.clinic.clinicId, state.date));
    const all = (state.view.rooms ?? []).flatMap((r) => r.appointments ?? []);
    await Promise.all([...new Set(all.map((a) => a.clientId))].map(clientName));
    drawGrid();
    drawShifts();
    const again = keepSelection && state.selected ? all.find((a) => a.appointmentId === state.selected) : null;
    drawDetail(again ?? null);
  }

  function serviceName(serviceId) {
    return state.clinic.services?.find((s) => s.serviceId === serviceId)?.name ?? serviceId;
  }

  function therapistName(therapistId) {
    return state.view?.therapists?.find((t) => t.therapistId === therapistId)?.name ?? state.therapists.get(therapistId) ?? therapistId;
  }

  async function loadTherapists() {
    try {
      const list = await get(paths.therapists(state.clinic.clinicId));
      state.therapists = new Map((list.therapists ?? []).map((t) => [t.therapistId, t.name]));
    } catch {
      state.therapists = new Map();
    }
  }

  function roomName(roomId) {
    return state.view?.rooms?.find((r) => r.roomId === roomId)?.name ?? roomId;
  }

  function describe(a) {
    const zone = state.clinic.timeZone;
    return `${clock(a.start, zone)}–${clock(a.end, zone)} ${zoneName(a.start, zone)}, ${clientNames.get(a.clientId) ?? a.clientId}` +
      ` (${a.clientId}), ${serviceName(a.serviceId)}, ${therapistName(a.therapistId)}, ${roomName(a.roomId)}, ${statusLabels[a.status] ?? a.status}`;
  }

  function drawGrid() {
    const view = state.view;
    const zone = view.timeZone;
    const rooms = view.rooms ?? [];
    const appointments = rooms.flatMap((r) => r.appointments ?? []);
    let from = Math.min(...(view.open ?? []).map((o) => minutesOf(o.localStart)), ...appointments.map((a) => localMinutes(a.start, zone)));
    let to = Math.max(...(view.open ?? []).map((o) => minutesOf(o.localEnd)), ...appointments.map((a) => localMinutes(a.roomFreeAt ?? a.end, zone) || 1440));
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
      from = 8 * 60;
      to = 18 * 60;
    }
    from = Math.floor(from / 60) * 60;
    to = Math.min(1440, Math.ceil(to / 60) * 60);
    const height = (to - from) * PX_PER_MINUTE;
    const top = (minutes) => `${(minutes - from) * PX_PER_MINUTE}px`;

    const axis = h("div", { class: "axis", "aria-hidden": "true", style: { height: `${height}px` } });
    for (let m = from; m < to; m += ROW_MINUTES) {
      if (m % 60 === 0) axis.append(h("span", { style: { top: top(m) } }, hhmm(m)));
    }
    const closed = [];
    const openRanges = (view.open ?? []).map((o) => [minutesOf(o.localStart), minutesOf(o.localEnd)]);
    let cursor = from;
    for (const [s, e] of openRanges.sort((x, y) => x[0] - y[0])) {
      if (s > cursor) closed.push([cursor, s]);
      cursor = Math.max(cursor, e);
    }
    if (cursor < to) closed.push([cursor, to]);

    const columns = rooms.map((room) => {
      const headingId = `room-${room.roomId}`;
      const column = h("div", { class: "lane", style: { height: `${height}px` } },
        closed.map(([s, e]) => h("div", { class: "closed", "aria-hidden": "true", style: { top: top(s), height: `${(e - s) * PX_PER_MINUTE}px` } })),
        (room.outOfService ?? []).map((p) => {
          const s = Math.max(from, localMinutes(p.start, zone));
          const e = Math.min(to, localMinutes(p.end, zone) || 1440);
          return h("div", { class: "out-of-service", style: { top: top(s), height: `${Math.max(0, e - s) * PX_PER_MINUTE}px` } },
            `Out of service ${p.localStart}–${p.localEnd}`);
        }));
      for (const a of room.appointments ?? []) {
        const s = localMinutes(a.start, zone);
        const e = localMinutes(a.end, zone) || 1440;
        const free = a.roomFreeAt ? (localMinutes(a.roomFreeAt, zone) || 1440) : e;
        const cancelled = a.status === "CANCELLED" || a.status === "NO_SHOW";
        if (free > e && !cancelled) {
          column.append(h("div", {
            class: "turnover", title: `Turnover until ${clock(a.roomFreeAt, zone)}`,
            style: { top: top(e), height: `${(free - e) * PX_PER_MINUTE}px` },
          }, h("span", { class: "visually-hidden" }, `Turnover until ${clockWithZone(a.roomFreeAt, zone)}`)));
        }
        column.append(h("button", {
          type: "button",
          class: `appt status-${a.status}${state.selected === a.appointmentId ? " selected" : ""}`,
          style: { top: top(s), height: `${Math.max(18, (e - s) * PX_PER_MINUTE)}px` },
          "aria-pressed": state.selected === a.appointmentId ? "true" : "false",
          dataset: { appointmentId: a.appointmentId, status: a.status },
          onclick: () => {
            state.selected = a.appointmentId;
            drawGrid();
            drawDetail(a);
          },
        },
        // The visible text is the start of the accessible name; the rest is for screen readers only.
        h("span", { class: "t" }, `${clock(a.start, zone)}–${clock(a.end, zone)}`,
          h("span", { class: "visually-hidden" }, ` ${zoneName(a.start, zone)} (${zone}),`)),
        h("span", { class: "c" }, clientNames.get(a.clientId) ?? a.clientId,
          h("span", { class: "visually-hidden" }, ` (${a.clientId}),`)),
        h("span", { class: "s" }, `${serviceName(a.serviceId)} · ${statusLabels[a.status] ?? a.status}`,
          h("span", { class: "visually-hidden" }, `, ${therapistName(a.therapistId)}, ${roomName(a.roomId)}`))));
      }
      return h("div", { class: "room", role: "group", "aria-labelledby": headingId },
        h("h3", { id: headingId }, room.name, h("small", {}, (room.features ?? []).join(", "))),
        column);
    });

    const title = `${view.clinicName} · ${view.date} · times in ${zone} (${zoneName(`${view.date}T12:00:00Z`, zone)})`;
    replace(gridArea,
      h("h2", { id: "grid-title" }, title),
      view.closedReason ? h("p", { class: "warning" }, `Closed: ${view.closedReason}`) : null,
      (view.open ?? []).length
        ? h("p", { class: "muted" }, `Open ${(view.open ?? []).map((o) => `${o.localStart}–${o.localEnd}`).join(", ")} (${zone})`)
        : h("p", { class: "muted" }, "Closed all day."),
      h("ul", { class: "legend", "aria-label": "Status colours" },
        Object.entries(statusLabels).map(([k, v]) => h("li", { class: `status-${k}` }, v)),
        h("li", { class: "turnover-key" }, "Turnover")),
      h("div", { class: "grid-scroll", tabindex: "0", role: "region", "aria-label": `Rooms on ${view.date}` },
        h("div", { class: "grid", style: { gridTemplateColumns: `3.5rem repeat(${rooms.length}, minmax(9rem, 1fr))` } },
          h("div", { class: "axis-col" }, h("h3", { "aria-hidden": "true" }, zoneName(`${view.date}T12:00:00Z`, zone)), axis),
          columns)));
  }

  function drawShifts() {
    const zone = state.view.timeZone;
    const therapists = state.view.therapists ?? [];
    replace(shiftArea,
      h("h2", { id: "shifts-title" }, "Therapists on shift"),
      therapists.length
        ? h("ul", {}, therapists.map((t) => h("li", {},
          h("strong", {}, t.name || t.therapistId), " ",
          (t.shifts ?? []).map((s) => `${s.localStart}–${s.localEnd}`).join(", ") || "not rostered",
          ` (${zone})`,
          (t.absent ?? []).length ? h("span", { class: "warning" }, ` absent ${(t.absent ?? []).map((s) => `${s.localStart}–${s.localEnd}`).join(", ")}`) : null,
          ` · ${(t.appointments ?? []).filter((a) => a.status !== "CANCELLED").length} appointments`)))
        : h("p", {}, "Nobody is rostered."));
  }

  function drawDetail(a) {
    if (!a) {
      replace(detailArea, h("h2", {}, "Appointment"), h("p", { class: "muted" }, "Select an appointment in the grid to act on it."));
      return;
    }
    const zone = state.clinic.timeZone;
    const act = (label, action, extra = {}) => h("button", {
      type: "button", ...extra,
      onclick: async () => {
        try {
          const updated = await post(paths.appointmentAction(a.appointmentId, action), { requestId: newRequestId() });
          announce(`${label}: ${describe(updated)}`);
          await refresh();
        } catch (error) {
          replace(actionError, errorBox(error));
        }
      },
    }, label);
    const actionError = h("div");
    const started = Date.parse(a.start) <= Date.now();
    const buttons = [];
    if (a.status === "PENDING") buttons.push(act("Confirm hold", "confirm"));
    if (a.status === "BOOKED") buttons.push(act("Check in", "checkIn"));
    if (a.status === "ARRIVED") buttons.push(act("Complete", "complete"));
    if (a.status === "BOOKED" && started) buttons.push(act("Mark no-show", "markNoShow"));
    if (a.status === "BOOKED" || a.status === "PENDING") {
      buttons.push(h("button", { type: "button", onclick: () => rescheduleDialog(a) }, "Reschedule…"));
      buttons.push(h("button", { type: "button", class: "danger", onclick: () => cancelDialog(a) }, "Cancel…"));
    }
    replace(detailArea,
      h("h2", {}, "Appointment"),
      h("dl", {},
        h("dt", {}, "When"), h("dd", {}, `${dateTimeWithZone(a.start, zone)} – ${clockWithZone(a.end, zone)}`),
        h("dt", {}, "Client"), h("dd", {}, `${clientNames.get(a.clientId) ?? ""} (${a.clientId})`),
        h("dt", {}, "Service"), h("dd", {}, serviceName(a.serviceId)),
        h("dt", {}, "Therapist"), h("dd", {}, therapistName(a.therapistId)),
        h("dt", {}, "Room"), h("dd", {}, `${roomName(a.roomId)}; free again at ${clockWithZone(a.roomFreeAt ?? a.end, zone)}`),
        h("dt", {}, "Status"), h("dd", { class: "appt-status" }, statusLabels[a.status] ?? a.status,
          a.status === "CANCELLED" && a.cancelledLate ? " (late cancellation)" : "",
          a.status === "PENDING" && a.holdExpiresAt ? ` until ${clockWithZone(a.holdExpiresAt, zone)}` : "")),
      buttons.length ? h("div", { class: "actions" }, buttons) : null,
      actionError);
  }

  async function cancelDialog(a) {
    const zone = state.clinic.timeZone;
    const windowMinutes = state.clinic.cancellationWindowMinutes ?? 1440;
    const late = Date.parse(a.start) - Date.now() < windowMinutes * 60_000;
    const done = await openDialog("Cancel appointment", (close) => {
      const reason = h("input", { type: "text", name: "reason", maxlength: "200" });
      const problem = h("div");
      const form = h("form", {},
        h("p", {}, `${dateTimeWithZone(a.start, zone)}, ${clientNames.get(a.clientId) ?? a.clientId}, ${serviceName(a.serviceId)}`),
        late ? h("p", { class: "warning late-warning", role: "alert" },
          `Late cancellation: the start is less than ${Math.round(windowMinutes / 60)} hours away (the clinic's cancellation window). It will be recorded as late.`) : null,
        field("Reason", reason),
        problem,
        h("div", { class: "actions" },
          h("button", { type: "submit", class: "danger" }, "Cancel appointment"),
          h("button", { type: "button", class: "secondary", onclick: () => close(null) }, "Keep it")));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          close(await post(paths.appointmentAction(a.appointmentId, "cancel"), { requestId: newRequestId(), reason: reason.value.trim() }));
        } catch (error) {
          replace(problem, errorBox(error));
        }
      });
      return form;
    });
    if (done) {
      announce(done.cancelledLate ? "Cancelled (late cancellation)." : "Cancelled.");
      await refresh();
    }
  }

  async function rescheduleDialog(a) {
    const moved = await openDialog("Reschedule appointment", (close) => {
      const date = h("input", { type: "date", name: "date", value: state.date });
      const anyTherapist = h("input", { type: "checkbox", name: "any", id: "resched-any" });
      const slots = h("div", { class: "slots" });
      const problem = h("div");
      const take = async (slot) => {
        replace(problem);
        try {
          close(await post(paths.appointmentAction(a.appointmentId, "reschedule"),
            { requestId: newRequestId(), newStart: slot.start, therapistId: slot.therapistId }));
        } catch (error) {
          replace(slots);
          replace(problem, refusalWithAlternatives(error, take));
        }
      };
      const search = async () => {
        replace(problem);
        try {
          const found = await get(paths.availability(state.clinic.clinicId, {
            serviceId: a.serviceId, fromDate: date.value, toDate: date.value,
            therapistId: anyTherapist.checked ? "" : a.therapistId, clientId: a.clientId, pageSize: 100,
          }));
          replace(slots, slotList(found.slots ?? [], take));
        } catch (error) {
          replace(problem, errorBox(error));
        }
      };
      return h("div", {},
        h("p", {}, `Now: ${dateTimeWithZone(a.start, state.clinic.timeZone)}, ${clientNames.get(a.clientId) ?? a.clientId}`),
        field("New date", date),
        h("div", { class: "field inline" }, anyTherapist, h("label", { for: "resched-any" }, "Any qualified therapist")),
        h("button", { type: "button", onclick: search }, "Find free slots"),
        problem,
        slots);
    });
    if (moved) {
      state.selected = moved.appointmentId;
      announce(`Rescheduled to ${dateTimeWithZone(moved.start, state.clinic.timeZone)}.`);
      await refresh();
    }
  }

  function slotList(slots, take) {
    const zone = state.clinic.timeZone;
    if (!slots.length) return h("p", {}, "No free slot that day.");
    return h("ul", { class: "slot-list", "aria-label": `Free slots, times in ${slots[0].timeZone || zone}` }, slots.map((slot) => h("li", {},
      h("button", {
        type: "button", class: "slot", dataset: { start: slot.start, therapistId: slot.therapistId },
        onclick: () => take(slot),
      }, `${clock(slot.start, slot.timeZone || zone)} ${zoneName(slot.start, slot.timeZone || zone)} · ${therapistName(slot.therapistId)}`))));
  }

  function refusalWithAlternatives(error, take) {
    if (!(error instanceof ApiError) || !error.alternatives.length) return errorBox(error);
    return errorBox(error, h("div", { class: "alternatives" },
      h("p", {}, "Nearest free alternatives:"),
      slotList(error.alternatives, take)));
  }

  async function bookDialog() {
    const booked = await openDialog("Book an appointment", (close) => {
      let client = null;
      const chosen = h("p", { class: "chosen", "aria-live": "polite" }, "No client chosen.");
      const choose = (c) => {
        client = c;
        chosen.textContent = `Client: ${c.givenName} ${c.familyName} (${c.clientId})`;
      };
      const search = h("input", { type: "search", name: "client-search" });
      const results = h("div");
      const findClient = async () => {
        try {
          const found = await get(paths.clients(search.value.trim()));
          replace(results, (found.clients ?? []).length
            ? h("ul", { class: "client-results", "aria-label": "Clients found" }, found.clients.map((c) => h("li", {},
              h("button", { type: "button", onclick: () => choose(c) }, `${c.givenName} ${c.familyName}`, c.phone ? ` · ${c.phone}` : "", c.email ? ` · ${c.email}` : ""))))
            : h("p", {}, "No client found: register below."));
        } catch (error) {
          replace(results, errorBox(error));
        }
      };
      search.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          findClient();
        }
      });
      const given = h("input", { type: "text", name: "given-name", autocomplete: "off" });
      const family = h("input", { type: "text", name: "family-name", autocomplete: "off" });
      const phone = h("input", { type: "tel", name: "phone", autocomplete: "off" });
      const email = h("input", { type: "email", name: "email", autocomplete: "off" });
      const registerProblem = h("div");
      const register = async () => {
        replace(registerProblem);
        try {
          const c = await post(paths.registerClient(), {
            requestId: newRequestId(),
            client: { clientId: `client-${crypto.randomUUID().slice(0, 8)}`, givenName: given.value.trim(), familyName: family.value.trim(), phone: phone.value.trim(), email: email.value.trim() },
          });
          choose(c);
        } catch (error) {
          replace(registerProblem, errorBox(error));
        }
      };

      const service = h("select", { name: "service" }, (state.clinic.services ?? []).map((s) =>
        h("option", { value: s.serviceId }, `${s.name} (${s.durationMinutes} min)`)));
      const therapist = h("select", { name: "therapist" }, h("option", { value: "" }, "Any qualified therapist"),
        [...state.therapists].map(([id, name]) => h("option", { value: id }, name)));
      const date = h("input", { type: "date", name: "date", value: state.date });
      const slots = h("div", { class: "slots" });
      const problem = h("div");
      const held = h("div");

      const hold = async (slot) => {
        replace(problem);
        replace(held);
        if (!client) {
          replace(problem, errorBox({ message: "Choose or register a client first." }));
          return;
        }
        try {
          const appointment = await post(paths.holds(), {
            requestId: newRequestId(), clinicId: state.clinic.clinicId, serviceId: service.value, clientId: client.clientId,
            start: slot.start, therapistId: slot.therapistId,
          });
          const zone = state.clinic.timeZone;
          const confirm = h("button", {
            type: "button",
            onclick: async () => {
              try {
                close(await post(paths.appointmentAction(appointment.appointmentId, "confirm"), { requestId: newRequestId() }));
              } catch (error) {
                replace(problem, errorBox(error));
              }
            },
          }, "Confirm booking");
          replace(held, h("div", { class: "held", role: "status" },
            h("p", {}, `Held ${dateTimeWithZone(appointment.start, zone)} with ${therapistName(appointment.therapistId)}` +
              ` until ${clockWithZone(appointment.holdExpiresAt, zone)}.`),
            confirm));
          confirm.focus();
        } catch (error) {
          // The list is stale once a slot was refused: the refusal and its alternatives take its place.
          replace(slots);
          replace(problem, refusalWithAlternatives(error, hold));
        }
      };
      const findSlots = async () => {
        replace(problem);
        try {
          const found = await get(paths.availability(state.clinic.clinicId, {
            serviceId: service.value, fromDate: date.value, toDate: date.value, therapistId: therapist.value,
            clientId: client?.clientId, pageSize: 100,
          }));
          replace(slots, slotList(found.slots ?? [], hold));
        } catch (error) {
          replace(problem, errorBox(error));
        }
      };

      return h("div", { class: "book" },
        h("fieldset", {}, h("legend", {}, "Client"),
          field("Find by name, phone or email", search),
          h("button", { type: "button", onclick: findClient }, "Find client"),
          results,
          h("details", {}, h("summary", {}, "Register a new client"),
            field("Given name", given), field("Family name", family), field("Phone", phone), field("Email", email),
            h("button", { type: "button", onclick: register }, "Register client"),
            registerProblem),
          chosen),
        h("fieldset", {}, h("legend", {}, "Slot"),
          field("Service", service),
          field("Therapist", therapist),
          field("Date", date, `Clinic-local date (${state.clinic.timeZone})`),
          h("button", { type: "button", onclick: findSlots }, "Find free slots"),
          slots),
        problem,
        held);
    });
    if (booked) {
      state.selected = booked.appointmentId;
      state.date = localDate(state.clinic.timeZone, Date.parse(booked.start));
      dateInput.value = state.date;
      announce(`Booked ${dateTimeWithZone(booked.start, state.clinic.timeZone)}.`);
      await refresh();
    }
  }

  clinicSelect.addEventListener("change", async () => {
    state.clinic = clinics.find((c) => c.clinicId === clinicSelect.value);
    state.selected = null;
    tick();
    await loadTherapists();
    await refresh(false);
  });
  dateInput.addEventListener("change", async () => {
    if (!dateInput.value) return;
    state.date = dateInput.value;
    state.selected = null;
    await refresh(false);
  });
  const step = (days) => async () => {
    state.date = addDays(state.date, days);
    dateInput.value = state.date;
    state.selected = null;
    await refresh(false);
  };

  replace(main,
    h("h1", {}, "Front desk"),
    h("div", { class: "toolbar" },
      field("Clinic", clinicSelect),
      field("Date", dateInput),
      h("button", { type: "button", class: "secondary", onclick: step(-1), "aria-label": "Previous day" }, "◀"),
      h("button", { type: "button", class: "secondary", onclick: step(1), "aria-label": "Next day" }, "▶"),
      h("button", { type: "button", onclick: bookDialog }, "Book…"),
      clinicClock),
    h("div", { class: "desk" }, gridArea, h("div", { class: "side" }, detailArea, shiftArea)));
  tick();
  await loadTherapists();
  const timer = setInterval(() => (document.body.contains(clinicClock) ? tick() : clearInterval(timer)), 15_000);
  await refresh(false);
}
