// Therapist: my week across clinics, and a client's record and session notes (draft, sign) with the
// contraindication flag shown first. The API decides whose record a therapist may read.
import { get, newRequestId, paths, post } from "./api.js";
import { clock, dateTimeWithZone, localDate, mondayOf, zoneName } from "./time.js";
import { announce, errorBox, field, h, replace } from "./ui.js";

export async function renderWeek(main, user) {
  if (!user.therapistId) {
    replace(main, h("h1", {}, "My week"), h("p", {}, "Your account is not linked to a therapist."));
    return;
  }
  const start = h("input", { type: "date", name: "week", value: mondayOf(localDate(Intl.DateTimeFormat().resolvedOptions().timeZone)) });
  const body = h("div");
  const show = async () => {
    try {
      const week = await get(paths.therapistWeek(user.therapistId, start.value));
      replace(body, (week.days ?? []).map((day) => h("section", { class: "card week-day", "aria-label": day.date },
        h("h2", {}, day.date),
        (day.clinics ?? []).length ? (day.clinics ?? []).map((c) => h("div", {},
          h("h3", {}, `${c.clinicName} (${c.timeZone})`),
          h("p", {}, "Shifts: ", (c.shifts ?? []).map((s) => `${s.localStart}–${s.localEnd}`).join(", ") || "none", ` (${c.timeZone})`),
          (c.absent ?? []).length ? h("p", { class: "warning" }, `Absent ${(c.absent ?? []).map((s) => `${s.localStart}–${s.localEnd}`).join(", ")}`) : null,
          h("ul", {}, (c.appointments ?? []).map((a) => h("li", {},
            `${clock(a.start, c.timeZone)}–${clock(a.end, c.timeZone)} ${zoneName(a.start, c.timeZone)} (${c.timeZone}) · ${a.status} · `,
            h("a", { href: `#/notes/${encodeURIComponent(a.clientId)}` }, `Client ${a.clientId}`)))))) : h("p", { class: "muted" }, "Day off."))));
    } catch (error) {
      replace(body, errorBox(error));
    }
  };
  start.addEventListener("change", show);
  replace(main, h("h1", {}, "My week"), h("div", { class: "toolbar" }, field("Week starting", start, "Each day is read on its clinic's clock")), body);
  await show();
}

export async function renderNotes(main) {
  const clientId = h("input", { type: "text", name: "client", value: decodeURIComponent(location.hash.split("/")[2] ?? "") });
  const body = h("div");
  const show = async () => {
    if (!clientId.value.trim()) return;
    try {
      const id = clientId.value.trim();
      const [record, notes, appointments] = await Promise.all([
        get(paths.record(id)), get(paths.notes(id)), get(paths.clientAppointments(id)).catch(() => ({ appointments: [] }))]);
      const clinicIds = [...new Set([...(notes.notes ?? []), ...(appointments.appointments ?? [])].map((x) => x.clinicId))];
      const zones = new Map(await Promise.all(clinicIds.map(async (c) => [c, (await get(paths.clinic(c)).catch(() => ({})))?.timeZone ?? "UTC"])));
      const when = (instant, clinicId) => (instant ? dateTimeWithZone(instant, zones.get(clinicId) ?? "UTC") : "");
      replace(body,
        record.contraindicationFlag
          ? h("p", { class: "warning", role: "alert" }, "Contraindication recorded: read the intake before the session.")
          : h("p", {}, "No contraindication recorded."),
        record.intake ? h("section", { class: "card" }, h("h2", {}, "Intake"),
          h("p", {}, record.intake.healthHistory || "No health history."),
          h("p", {}, "Contraindications: ", (record.intake.contraindications ?? []).join(", ") || "none")) : null,
        h("section", { class: "card" }, h("h2", {}, "Session notes"),
          (notes.notes ?? []).length ? h("ul", {}, notes.notes.map((n) => h("li", {},
            `${when(n.sessionStart, n.clinicId)} · v${n.version} · ${n.status === "NOTE_STATUS_SIGNED" ? "signed" : "draft"} · `,
            n.content?.complaint ?? "",
            n.status === "NOTE_STATUS_DRAFT" ? h("button", { type: "button", onclick: () => sign(id, n.noteId) }, "Sign") : null)))
            : h("p", {}, "No notes yet.")),
        draftForm(id, appointments.appointments ?? [], when));
    } catch (error) {
      replace(body, errorBox(error));
    }
  };
  const sign = async (id, noteId) => {
    try {
      await post(paths.noteAction(id, noteId, "sign"), { requestId: newRequestId() });
      announce("Note signed.");
      await show();
    } catch (error) {
      body.prepend(errorBox(error));
    }
  };
  const draftForm = (id, appointments, when) => {
    const appointment = h("select", { name: "appointment" }, appointments.map((a) => h("option", { value: a.appointmentId }, `${when(a.start, a.clinicId)} · ${a.status}`)));
    const complaint = h("input", { type: "text", name: "complaint" });
    const before = h("input", { type: "number", min: "0", max: "10", name: "pain-before" });
    const after = h("input", { type: "number", min: "0", max: "10", name: "pain-after" });
    const advice = h("textarea", { name: "advice", rows: "2" });
    const problem = h("div");
    const form = h("form", { class: "card" }, h("h2", {}, "New draft note"),
      field("Appointment", appointment), field("Complaint", complaint), field("Pain before (0-10)", before), field("Pain after (0-10)", after),
      field("Advice", advice), problem, h("button", { type: "submit" }, "Save draft"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const content = { complaint: complaint.value, advice: advice.value };
      if (before.value !== "") content.painBefore = Number(before.value);
      if (after.value !== "") content.painAfter = Number(after.value);
      try {
        await post(paths.notes(id), { requestId: newRequestId(), appointmentId: appointment.value, content });
        announce("Draft saved.");
        await show();
      } catch (error) {
        replace(problem, errorBox(error));
      }
    });
    return form;
  };
  const form = h("form", { class: "toolbar" }, field("Client id", clientId), h("button", { type: "submit" }, "Open record"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  replace(main, h("h1", {}, "Client notes"), form, body);
  await show();
}
