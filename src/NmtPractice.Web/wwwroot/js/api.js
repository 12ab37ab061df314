// The public HTTP/JSON API (gRPC JSON transcoding), the signed-in session and its tokens.
// Every path the app calls is in `paths` below, so a change of the API's path scheme is one edit here.

const SESSION_KEY = "nmt.session";
// Refresh this long before the access token expires, so a call never leaves with a token about to lapse.
const REFRESH_AHEAD_MS = 60_000;

const q = encodeURIComponent;

function query(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${q(key)}=${q(v)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

export const paths = {
  login: () => "/v1/auth/login",
  refresh: () => "/v1/auth/refresh",
  logout: () => "/v1/auth/logout",
  me: () => "/v1/auth/me",
  clinics: () => "/v1/clinics?pageSize=500",
  clinic: (clinicId) => `/v1/clinics/${q(clinicId)}`,
  clinicDay: (clinicId, date) => `/v1/clinics/${q(clinicId)}/days/${q(date)}`,
  availability: (clinicId, params) => `/v1/clinics/${q(clinicId)}/availability${query(params)}`,
  therapists: (clinicId) => `/v1/therapists${query({ clinicId, pageSize: 500 })}`,
  therapistWeek: (therapistId, startDate) => `/v1/therapists/${q(therapistId)}/weeks/${q(startDate)}${query({ days: 7 })}`,
  clients: (text) => `/v1/clients${query({ query: text, pageSize: 20 })}`,
  registerClient: () => "/v1/clients",
  client: (clientId) => `/v1/clients/${q(clientId)}`,
  holds: () => "/v1/appointments:hold",
  appointments: () => "/v1/appointments",
  appointment: (id) => `/v1/appointments/${q(id)}`,
  appointmentAction: (id, action) => `/v1/appointments/${q(id)}:${action}`,
  roomUtilisation: (params) => `/v1/reports/roomUtilisation${query(params)}`,
  therapistUtilisation: (params) => `/v1/reports/therapistUtilisation${query(params)}`,
  heatmap: (clinicId, params) => `/v1/clinics/${q(clinicId)}/reports/heatmap${query(params)}`,
  exportReport: (params) => `/v1/reports:export${query(params)}`,
  record: (clientId) => `/v1/clients/${q(clientId)}/record`,
  notes: (clientId) => `/v1/clients/${q(clientId)}/notes`,
  note: (clientId, noteId) => `/v1/clients/${q(clientId)}/notes/${q(noteId)}`,
  noteAction: (clientId, noteId, action) => `/v1/clients/${q(clientId)}/notes/${q(noteId)}:${action}`,
  clientAppointments: (clientId) => `/v1/clients/${q(clientId)}/appointments`,
  users: () => "/v1/users?pageSize=500",
  createUser: () => "/v1/users",
};

/** A refusal from the API: google.rpc.Status with its stable reason, field violations and alternative slots. */
export class ApiError extends Error {
  constructor(httpStatus, status) {
    super(status?.message || `HTTP ${httpStatus}`);
    this.httpStatus = httpStatus;
    this.code = status?.code ?? 0;
    this.details = Array.isArray(status?.details) ? status.details : [];
    const info = this.details.find((d) => typeOf(d) === "google.rpc.ErrorInfo");
    this.reason = info?.reason ?? "";
    const bad = this.details.find((d) => typeOf(d) === "google.rpc.BadRequest");
    this.fields = (bad?.fieldViolations ?? []).map((v) => ({ field: v.field, description: v.description }));
    const alternatives = this.details.find((d) => typeOf(d) === "nmt.practice.v1.Alternatives");
    this.alternatives = alternatives?.slots ?? [];
  }
}

function typeOf(detail) {
  const type = detail?.["@type"] ?? "";
  return type.substring(type.lastIndexOf("/") + 1);
}

let session = load();
let refreshTimer = 0;
const listeners = new Set();

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
  } catch {
    return null;
  }
}

function save(next) {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
  scheduleRefresh();
  for (const listener of listeners) listener(session);
}

export function currentUser() {
  return session?.user ?? null;
}

export function onSessionChange(listener) {
  listeners.add(listener);
}

function fromTokenPair(pair) {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.parse(pair.accessTokenExpiresAt),
    user: pair.user,
  };
}

export async function login(email, password) {
  const pair = await send("POST", paths.login(), { email, password }, { anonymous: true });
  save(fromTokenPair(pair));
  return session.user;
}

export async function logout() {
  const refreshToken = session?.refreshToken;
  save(null);
  if (refreshToken) {
    try {
      await send("POST", paths.logout(), { refreshToken }, { anonymous: true });
    } catch {
      // Signed out here either way; the server revokes the token if it heard us.
    }
  }
}

let refreshing = null;

/** One refresh at a time: concurrent callers share it (a rotated refresh token is single-use). */
export function refreshSession() {
  if (!session?.refreshToken) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const pair = await send("POST", paths.refresh(), { refreshToken: session.refreshToken }, { anonymous: true });
      save(fromTokenPair(pair));
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.httpStatus >= 400 && error.httpStatus < 500) save(null);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session?.expiresAt) return;
  const wait = Math.max(1_000, session.expiresAt - Date.now() - REFRESH_AHEAD_MS);
  refreshTimer = setTimeout(refreshSession, wait);
}
scheduleRefresh();

async function send(method, path, body, { anonymous = false, retried = false, stream = false } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!anonymous && session?.accessToken) headers.Authorization = `Bearer ${session.accessToken}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && !anonymous && !retried && (await refreshSession())) {
    return send(method, path, body, { anonymous, retried: true, stream });
  }
  const text = await response.text();
  if (!response.ok) {
    let status = null;
    try {
      status = JSON.parse(text);
    } catch {
      status = { message: text || response.statusText };
    }
    throw new ApiError(response.status, status);
  }
  if (stream) {
    // A server-streamed call: one JSON message per line (or, from other gateways, a JSON array).
    const trimmed = text.trim();
    if (!trimmed) return [];
    if (trimmed.startsWith("[")) return JSON.parse(trimmed);
    return trimmed.split(/\r?\n/).filter((line) => line.trim()).map((line) => JSON.parse(line));
  }
  return text ? JSON.parse(text) : {};
}

export const get = (path) => send("GET", path);
export const post = (path, body = {}) => send("POST", path, body);
export const put = (path, body = {}) => send("PUT", path, body);
export const patch = (path, body = {}) => send("PATCH", path, body);

/** The messages of a server-streaming call, in order. */
export const getStream = (path) => send("GET", path, undefined, { stream: true });

export function newRequestId() {
  return crypto.randomUUID();
}
