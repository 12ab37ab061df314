// Small DOM helpers: elements from data (no HTML strings, so nothing the API returns is ever parsed as markup).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined && value !== null) el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Announces a message to screen readers and shows it in the status bar. */
export function announce(message) {
  const status = document.getElementById("status");
  status.textContent = message;
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field. */
export function field(label, control, hint) {
  const id = control.id || nextId("f");
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("small", { id: hintId }, hint) : null);
}

/** A modal <dialog> that resolves when it closes; the content builder gets a close function. */
export function openDialog(title, build) {
  const titleId = nextId("dlg");
  const dialog = h("dialog", { "aria-labelledby": titleId, class: "dialog" });
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(undefined);
    });
    replace(dialog,
      h("div", { class: "dialog-head" },
        h("h2", { id: titleId }, title),
        h("button", { type: "button", class: "icon", "aria-label": "Close", onclick: () => close(undefined) }, "×")),
      build(close));
    dialog.showModal();
    const first = dialog.querySelector("input, select, textarea, button:not(.icon)");
    first?.focus();
  });
}

/** A refusal as the user sees it: the API's message, its stable reason, the fields at fault. */
export function errorBox(error, extra) {
  const reason = error.reason ? ` (${error.reason})` : "";
  return h("div", { class: "error", role: "alert" },
    h("p", {}, h("strong", {}, "Refused: "), `${error.message}${reason}`),
    error.fields?.length ? h("ul", {}, error.fields.map((f) => h("li", {}, `${f.field}: ${f.description}`))) : null,
    extra ?? null);
}
