// The shell: sign-in, the menu of the screens the user's role may use, and hash routing between them.
import { ApiError, currentUser, login, logout, onSessionChange } from "./api.js";
import { announce, errorBox, field, h, replace } from "./ui.js";

// Which screens each role sees. The API enforces the same rules; the menu only leaves out what would be refused.
const screens = {
  desk: { title: "Front desk", roles: ["front-desk", "clinic-manager", "chain-admin"], load: () => import("./desk.js") },
  reports: { title: "Reports", roles: ["clinic-manager", "chain-admin"], load: () => import("./reports.js") },
  week: { title: "My week", roles: ["therapist"], load: () => import("./therapist.js"), entry: "renderWeek" },
  notes: { title: "Client notes", roles: ["therapist"], load: () => import("./therapist.js"), entry: "renderNotes" },
  users: { title: "Staff users", roles: ["chain-admin"], load: () => import("./users.js") },
};

const roleNames = {
  "chain-admin": "Chain admin",
  "clinic-manager": "Clinic manager",
  "front-desk": "Front desk",
  therapist: "Therapist",
};

export function allowedScreens(user) {
  return Object.entries(screens).filter(([, s]) => s.roles.includes(user.role)).map(([key]) => key);
}

function renderShell(user) {
  const nav = document.getElementById("nav");
  const who = document.getElementById("who");
  if (!user) {
    replace(nav);
    replace(who);
    return;
  }
  const current = routeKey();
  replace(nav, h("ul", {}, allowedScreens(user).map((key) =>
    h("li", {}, h("a", { href: `#/${key}`, "aria-current": key === current ? "page" : undefined }, screens[key].title)))));
  replace(who,
    h("span", {}, `${user.displayName || user.email} · ${roleNames[user.role] ?? user.role}`),
    h("button", { type: "button", class: "secondary", onclick: async () => { await logout(); location.hash = "#/login"; } }, "Sign out"));
}

function routeKey() {
  return location.hash.replace(/^#\/?/, "").split("/")[0] || "";
}

function renderLogin(main) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const problem = h("div");
  const form = h("form", { class: "card narrow", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title" }, "Sign in"),
    field("Email", email),
    field("Password", password),
    problem,
    h("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    replace(problem);
    try {
      const user = await login(email.value.trim(), password.value);
      password.value = "";
      location.hash = `#/${allowedScreens(user)[0] ?? "login"}`;
    } catch (error) {
      replace(problem, error instanceof ApiError ? errorBox(error) : errorBox({ message: String(error) }));
      password.focus();
    }
  });
  replace(main, form);
  email.focus();
}

async function route() {
  const main = document.getElementById("main");
  const user = currentUser();
  renderShell(user);
  const key = routeKey();
  if (!user) {
    document.title = "Sign in · NmtPractice";
    renderLogin(main);
    return;
  }
  const allowed = allowedScreens(user);
  if (!screens[key] || !allowed.includes(key)) {
    location.replace(`#/${allowed[0]}`);
    return;
  }
  const screen = screens[key];
  document.title = `${screen.title} · NmtPractice`;
  replace(main, h("p", {}, "Loading…"));
  try {
    const module = await screen.load();
    await module[screen.entry ?? "render"](main, user);
  } catch (error) {
    replace(main, h("h1", {}, screen.title), errorBox(error instanceof ApiError ? error : { message: String(error) }));
  }
  announce(`${screen.title} loaded`);
}

onSessionChange((s) => {
  if (!s) location.hash = "#/login";
});
window.addEventListener("hashchange", route);
route();
