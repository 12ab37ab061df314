// Chain admin: the staff users (list, create). Passwords go to the API once and are never shown again.
import { get, paths, post } from "./api.js";
import { announce, errorBox, field, h, replace } from "./ui.js";

const roles = [["front-desk", "Front desk"], ["therapist", "Therapist"], ["clinic-manager", "Clinic manager"], ["chain-admin", "Chain admin"]];

export async function render(main) {
  const list = h("section", { class: "card", "aria-labelledby": "users-title" });
  const show = async () => {
    const users = (await get(paths.users())).users ?? [];
    replace(list, h("h2", { id: "users-title" }, "Staff users"),
      h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Staff users" },
        h("table", { class: "data" },
          h("caption", {}, `${users.length} users`),
          h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Clinics", "Therapist", "State"].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, users.map((u) => h("tr", {},
            h("td", {}, u.displayName), h("td", {}, u.email), h("td", {}, u.role), h("td", {}, (u.clinicIds ?? []).join(", ") || "all"),
            h("td", {}, u.therapistId ?? ""), h("td", {}, u.disabled ? "disabled" : "active")))))));
  };

  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "off" });
  const name = h("input", { type: "text", name: "display-name", required: true });
  const role = h("select", { name: "role" }, roles.map(([v, l]) => h("option", { value: v }, l)));
  const clinics = h("input", { type: "text", name: "clinics" });
  const therapist = h("input", { type: "text", name: "therapist" });
  const password = h("input", { type: "password", name: "password", required: true, autocomplete: "new-password" });
  const problem = h("div");
  const form = h("form", { class: "card" }, h("h2", {}, "Add a staff user"),
    field("Email", email), field("Display name", name), field("Role", role),
    field("Clinic ids", clinics, "Comma-separated; empty for chain-wide roles"),
    field("Therapist id", therapist, "Therapists only"),
    field("Initial password", password, "The user should change it"),
    problem, h("button", { type: "submit" }, "Add user"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(problem);
    try {
      await post(paths.createUser(), {
        email: email.value.trim(), displayName: name.value.trim(), role: role.value,
        clinicIds: clinics.value.split(",").map((c) => c.trim()).filter(Boolean), therapistId: therapist.value.trim(),
        initialPassword: password.value,
      });
      password.value = "";
      announce("User added.");
      form.reset();
      await show();
    } catch (error) {
      replace(problem, errorBox(error));
    }
  });
  replace(main, h("h1", {}, "Staff users"), h("div", { class: "reports" }, list, form));
  await show();
}
