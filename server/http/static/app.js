// toolloom's chat page. No framework, no build step, no network beyond this server.
// Everything the model or a tool wrote is escaped before it reaches the DOM: text goes in with
// textContent, and the Markdown renderer escapes first and only then adds its own fixed tags.
"use strict";

const KEY_STORE = "toolloom.apiKey";
const THREAD_STORE = "toolloom.thread";
const MODEL_STORE = "toolloom.model";
const $ = (id) => document.getElementById(id);

const state = {
  apiKey: localStorage.getItem(KEY_STORE) || "",
  threadId: localStorage.getItem(THREAD_STORE) || "",
  model: localStorage.getItem(MODEL_STORE) || "toolloom",
  authRequired: false,
  busy: false,
};

// ---- Markdown, escaped ------------------------------------------------------------------------

function escapeHtml(text) {
  return String(text)
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function inline(escaped) {
  return escaped
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,!?:;]|$)/g, "$1<em>$2</em>")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)"]+)\)/g,
      '<a href="$2" target="_blank" rel="noopener noreferrer nofollow">$1</a>');
}

// Markdown to HTML: the input is escaped in full before any tag is added.
function renderMarkdown(source) {
  const blocks = [];
  let text = escapeHtml(source).replace(/```[^\n]*\n([\s\S]*?)(```|$)/g, (_, code) => {
    blocks.push("<pre><code>" + code.replace(/\n$/, "") + "</code></pre>");
    return "\u0000" + (blocks.length - 1) + "\u0000";
  });
  const out = [];
  let list = null;
  const closeList = () => { if (list) { out.push("</" + list + ">"); list = null; } };
  for (const line of text.split("\n")) {
    const block = line.match(/^\u0000(\d+)\u0000$/);
    const bullet = line.match(/^\s*[-*+]\s+(.*)$/);
    const numbered = line.match(/^\s*\d+[.)]\s+(.*)$/);
    const heading = line.match(/^(#{1,4})\s+(.*)$/);
    if (block) { closeList(); out.push(blocks[Number(block[1])]); }
    else if (bullet || numbered) {
      const kind = bullet ? "ul" : "ol";
      if (list !== kind) { closeList(); out.push("<" + kind + ">"); list = kind; }
      out.push("<li>" + inline((bullet || numbered)[1]) + "</li>");
    } else if (heading) { closeList(); out.push("<h4>" + inline(heading[2]) + "</h4>"); }
    else if (!line.trim()) { closeList(); }
    else { closeList(); out.push("<p>" + inline(line) + "</p>"); }
  }
  closeList();
  return out.join("").replace(/\u0000(\d+)\u0000/g, (_, i) => blocks[Number(i)]);
}

// ---- HTTP -----------------------------------------------------------------------------------------

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (state.apiKey) h["Authorization"] = "Bearer " + state.apiKey;
  return h;
}

async function errorText(response) {
  let detail = "";
  try {
    const body = await response.json();
    const d = body.detail !== undefined ? body.detail : (body.error && body.error.message);
    detail = Array.isArray(d) ? d.map((e) => (e.loc || []).join(".") + ": " + e.msg).join("; ") : String(d || "");
  } catch (_) { /* not JSON */ }
  const plain = {
    401: "The server needs a valid API key. Enter it in the API key field.",
    403: "This API key may not do that.",
    404: "Not found.",
    409: "This thread is busy with another request; try again in a moment.",
    413: "The message is too large.",
    429: "Too many requests; wait a moment.",
    502: "The model sent a reply that could not be used.",
    503: "The model is unavailable right now.",
    504: "The model did not answer in time.",
  }[response.status] || "The request failed.";
  return plain + (detail ? " (" + response.status + ": " + detail + ")" : " (HTTP " + response.status + ")");
}

async function getJson(path, body) {
  let response;
  try {
    response = body === undefined
      ? await fetch(path, { headers: headers() })
      : await fetch(path, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
      });
  } catch (err) {
    throw new Error("Cannot reach the toolloom server.");
  }
  if (!response.ok) {
    const error = new Error(await errorText(response));
    error.status = response.status;
    throw error;
  }
  return response.json();
}

// ---- the page -----------------------------------------------------------------------------------

function showBanner(text) {
  const banner = $("banner");
  banner.textContent = text;
  banner.hidden = !text;
}

function newThreadId() {
  // A random UUID (version 4), the Agent Server API's thread id.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

function setThread(id) {
  state.threadId = id;
  localStorage.setItem(THREAD_STORE, id);
  $("thread-id").textContent = id;
  for (const button of document.querySelectorAll("#threads button")) {
    button.setAttribute("aria-current", String(button.dataset.thread === id));
  }
}

function scrollDown() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

function clearMessages() {
  const box = $("messages");
  box.replaceChildren($("empty") || document.createElement("div"));
  $("empty").hidden = false;
}

function addBubble(role, text) {
  $("empty").hidden = true;
  const div = document.createElement("div");
  div.className = "msg " + role;
  if (role === "assistant") div.innerHTML = renderMarkdown(text);
  else div.textContent = text;
  $("messages").appendChild(div);
  scrollDown();
  return div;
}

const cards = new Map();
const toolInfo = new Map(); // tool name -> its GET /tools entry (source, server, module, ...)
let toolsLoading = null;

// Where a tool comes from, in a few words for its card: built-in, python · MODULE, mcp · SERVER.
function sourceLabel(info) {
  if (!info) return { text: "", title: "" };
  if (info.source === "mcp") {
    const renamed = info.original_name !== info.function.name ? " (as " + info.original_name + ")" : "";
    return {
      text: "mcp · " + info.server + renamed,
      title: "tool " + info.original_name + " of MCP server " + info.server +
        (info.prefix ? "; renamed with the prefix " + info.prefix + " because another tool has its name" : "") +
        (info.available ? "" : "; the server is down"),
    };
  }
  if (info.source === "python") {
    return { text: "python · " + info.module, title: "Python tool from module " + info.module };
  }
  return { text: "built-in", title: "one of toolloom's built-in tools" };
}

function fillSource(card) {
  const badge = card.querySelector(".source");
  const label = sourceLabel(toolInfo.get(card.dataset.tool));
  badge.textContent = label.text;
  badge.title = label.title;
  badge.hidden = !label.text;
}

// GET /tools, once, and again when a card names a tool not seen yet (an MCP server came up).
function loadTools() {
  if (!toolsLoading) {
    toolsLoading = getJson("/tools").then((data) => {
      toolInfo.clear();
      for (const t of data.tools || []) toolInfo.set(t.function.name, t);
      for (const card of cards.values()) fillSource(card);
    }).catch(() => { /* no key yet, or the server is away: the cards just show no source */ })
      .finally(() => { toolsLoading = null; });
  }
  return toolsLoading;
}

function toolCard(call) {
  $("empty").hidden = true;
  const card = document.createElement("section");
  card.className = "tool running";
  card.dataset.tool = call.name;
  const head = document.createElement("header");
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = call.name;
  const stage = document.createElement("span");
  stage.className = "badge stage";
  stage.title = "the detect-intent stage that found this call";
  stage.textContent = call.stage || "native";
  const source = document.createElement("span");
  source.className = "badge source";
  const status = document.createElement("span");
  status.className = "badge status";
  status.textContent = "running";
  const meta = document.createElement("span");
  meta.className = "meta";
  head.append(name, source, stage, status, meta);
  const argsLabel = document.createElement("p");
  argsLabel.className = "label";
  argsLabel.textContent = "arguments";
  const args = document.createElement("pre");
  args.className = "args";
  args.textContent = JSON.stringify(call.args || {}, null, 2);
  card.append(head, argsLabel, args);
  $("messages").appendChild(card);
  cards.set(call.id, card);
  fillSource(card);
  if (!toolInfo.has(call.name)) loadTools();
  scrollDown();
  return card;
}

function pretty(text) {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === "object") return JSON.stringify(value, null, 2);
  } catch (_) { /* not JSON: shown as it is */ }
  return text;
}

// A call held back because the user's own message did not ask for it (the server says so in
// the event; a transcript read back only has the tool error's words).
function isHeld(result) {
  return Boolean(result.held) || String(result.content || "").startsWith("Error: not run:");
}

function toolResult(result) {
  let card = cards.get(result.id);
  if (!card) card = toolCard({ id: result.id, name: result.name, args: {}, stage: result.stage });
  const panel = card.querySelector(".approval");
  if (panel) panel.remove();
  const ok = result.status !== "error";
  const held = !ok && isHeld(result);
  const rejected = result.decision === "rejected" ||
    String(result.content || "").startsWith("Error: not run: the user rejected");
  card.className = "tool " + (ok ? "done" : held ? "held" : "error");
  const status = card.querySelector(".status");
  status.textContent = ok ? (result.decision === "edited" ? "edited · ok" : "ok")
    : rejected ? "rejected" : held ? "held back" : "error";
  status.className = "badge status " + (ok ? "ok" : held ? "held" : "error");
  if (held && !rejected) status.title = "not run: your message did not ask for this change";
  if (result.duration_ms !== null && result.duration_ms !== undefined) {
    card.querySelector(".meta").textContent = Math.round(result.duration_ms) + " ms";
  }
  const label = document.createElement("p");
  label.className = "label";
  label.textContent = ok ? "result" : held ? (rejected ? "rejected" : "held back: not run") : "error";
  const pre = document.createElement("pre");
  pre.className = "result";
  pre.textContent = pretty(result.content || "") + (result.truncated ? "\n…" : "");
  card.append(label, pre);
  scrollDown();
}

// A call that waits for a person: Approve, Edit (the arguments as JSON) or Reject (a reason).
function approvalPanel(approval) {
  let card = cards.get(approval.tool_call_id);
  if (!card) card = toolCard({ id: approval.tool_call_id, name: approval.name, args: approval.args, stage: "" });
  const old = card.querySelector(".approval");
  if (old) old.remove();
  card.className = "tool waiting";
  const status = card.querySelector(".status");
  status.textContent = "waiting for approval";
  status.className = "badge status waiting";
  const panel = document.createElement("div");
  panel.className = "approval";
  panel.dataset.interrupt = approval.interrupt_id;
  const why = document.createElement("p");
  why.className = "why";
  why.textContent = approval.description || "This call needs your approval.";
  const row = document.createElement("div");
  row.className = "decide";
  const approve = document.createElement("button");
  approve.type = "button";
  approve.className = "primary approve";
  approve.textContent = "Approve";
  const edit = document.createElement("button");
  edit.type = "button";
  edit.className = "edit";
  edit.textContent = "Edit";
  const reject = document.createElement("button");
  reject.type = "button";
  reject.className = "reject";
  reject.textContent = "Reject";
  row.append(approve, edit, reject);
  const editor = document.createElement("div");
  editor.className = "editor";
  editor.hidden = true;
  const editLabel = document.createElement("label");
  editLabel.textContent = "arguments (JSON)";
  const area = document.createElement("textarea");
  area.className = "edit-args";
  area.rows = 4;
  area.value = JSON.stringify(approval.args || {}, null, 2);
  editLabel.appendChild(area);
  const runEdited = document.createElement("button");
  runEdited.type = "button";
  runEdited.className = "primary run-edited";
  runEdited.textContent = "Run edited call";
  editor.append(editLabel, runEdited);
  const rejecter = document.createElement("div");
  rejecter.className = "rejecter";
  rejecter.hidden = true;
  const reason = document.createElement("input");
  reason.className = "reason";
  reason.placeholder = "Why (optional, told to the model)";
  const confirmReject = document.createElement("button");
  confirmReject.type = "button";
  confirmReject.className = "confirm-reject";
  confirmReject.textContent = "Reject call";
  rejecter.append(reason, confirmReject);
  const problem = document.createElement("p");
  problem.className = "problem";
  problem.hidden = true;
  panel.append(why, row, editor, rejecter, problem);
  card.appendChild(panel);

  const buttons = [approve, edit, reject, runEdited, confirmReject];
  const decide = async (decision) => {
    if (state.busy) { showBanner("Wait until the current answer has finished."); return; }
    for (const b of buttons) b.disabled = true;
    const ok = await runStream("/ui/resume", { thread_id: state.threadId, resume: { [approval.interrupt_id]: decision } });
    if (!ok) for (const b of buttons) b.disabled = false;
  };
  approve.addEventListener("click", () => decide({ type: "approve" }));
  edit.addEventListener("click", () => { editor.hidden = !editor.hidden; rejecter.hidden = true; if (!editor.hidden) area.focus(); });
  reject.addEventListener("click", () => { rejecter.hidden = !rejecter.hidden; editor.hidden = true; if (!rejecter.hidden) reason.focus(); });
  runEdited.addEventListener("click", () => {
    let args;
    try {
      args = JSON.parse(area.value);
    } catch (err) {
      problem.textContent = "The arguments are not valid JSON: " + err.message;
      problem.hidden = false;
      return;
    }
    if (!args || typeof args !== "object" || Array.isArray(args)) {
      problem.textContent = "The arguments must be a JSON object.";
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    decide({ type: "edit", edited_action: { name: approval.name, args: args } });
  });
  confirmReject.addEventListener("click", () => {
    const decision = { type: "reject" };
    if (reason.value.trim()) decision.message = reason.value.trim();
    decide(decision);
  });
  scrollDown();
}

// A call decided while others of the same step still wait: it runs with them.
function decidedPanel(panel) {
  const card = panel.closest(".tool");
  panel.replaceChildren();
  const note = document.createElement("p");
  note.className = "why";
  note.textContent = "Decided. It runs once the other waiting calls are decided.";
  panel.appendChild(note);
  if (card) {
    card.className = "tool running";
    const status = card.querySelector(".status");
    status.textContent = "decided";
    status.className = "badge status";
  }
}

async function loadApprovals(id) {
  try {
    const data = await getJson("/ui/approvals/" + encodeURIComponent(id));
    if (id !== state.threadId) return;
    for (const approval of data.approvals || []) approvalPanel(approval);
  } catch (err) { /* a new thread, or no key yet: nothing waits */ }
}

function renderThread(thread) {
  clearMessages();
  cards.clear();
  for (const m of thread.messages) {
    if (m.role === "user") addBubble("user", m.content);
    else if (m.role === "assistant") {
      for (const call of m.tool_calls || []) toolCard(call);
      if (m.content && !(m.tool_calls || []).length) addBubble("assistant", m.content);
    } else if (m.role === "tool") {
      toolResult({ id: m.tool_call_id, name: m.name, status: m.status, content: m.content,
        duration_ms: m.duration_ms, stage: m.stage });
    }
  }
}

async function loadThreads() {
  const list = $("threads");
  try {
    // The Agent Server API's thread search, with each thread's title and message count from
    // toolloom's transcript (an extract path of toolloom's own).
    const threads = await getJson("/threads/search", {
      limit: 100,
      sort_by: "updated_at",
      sort_order: "desc",
      select: ["thread_id", "updated_at"],
      extract: { title: "transcript.title", messages: "transcript.message_count" },
    });
    list.replaceChildren();
    for (const t of threads) {
      const id = t.thread_id;
      const title = (t.extracted && t.extracted.title) || id;
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.thread = id;
      button.textContent = title;
      const small = document.createElement("small");
      small.textContent = " · " + ((t.extracted && t.extracted.messages) || 0);
      button.appendChild(small);
      button.title = title;
      button.setAttribute("aria-current", String(id === state.threadId));
      button.addEventListener("click", () => { openThread(id); closeSidebar(); });
      li.appendChild(button);
      list.appendChild(li);
    }
  } catch (err) {
    showBanner(err.message);
  }
}

async function openThread(id) {
  setThread(id);
  clearMessages();
  try {
    renderThread(await getJson("/threads/" + encodeURIComponent(id) + "/transcript"));
    showBanner("");
    await loadApprovals(id);
  } catch (err) {
    if (err.status !== 404) showBanner(err.message); // 404: a new thread, not yet stored
  }
}

// The models this server offers (GET /v1/models): "toolloom" is the default, each other name a
// backend (its fallbacks follow). Names are set with textContent and value, never as HTML.
async function loadModels() {
  const select = $("model");
  let data;
  try {
    data = await getJson("/v1/models");
  } catch (err) {
    return; // no key yet, or the server is away: keep what is there
  }
  const names = (data.data || []).map((m) => String(m.id));
  if (!names.includes(state.model)) state.model = "toolloom";
  select.replaceChildren();
  for (const name of names) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name === "toolloom" ? "toolloom (default)" : name;
    select.appendChild(option);
  }
  select.value = state.model;
}

async function refreshStatus() {
  try {
    const health = await getJson("/health");
    state.authRequired = Boolean(health.auth);
    $("key-panel").hidden = !state.authRequired;
    const llm = health.llm || {};
    $("status-dot").className = "dot " + (llm.ok ? "up" : "down");
    $("status-text").textContent = (llm.backend || "backend") + " · " + (llm.model || "?") +
      " · " + (llm.ok ? "model up" : "model down" + (llm.error ? " (" + llm.error + ")" : ""));
  } catch (err) {
    $("status-dot").className = "dot down";
    $("status-text").textContent = "server unreachable";
  }
}

// ---- sending --------------------------------------------------------------------------------------

async function send(text) {
  if (state.busy || !text.trim()) return;
  addBubble("user", text);
  await runStream("/ui/chat", { thread_id: state.threadId, message: text });
}

// POST to one of the page's event streams (/ui/chat, /ui/resume) and show what comes back:
// tokens, tool cards, approvals that wait, the answer. Returns whether the request was accepted.
async function runStream(path, body) {
  if (state.busy) return false;
  state.busy = true;
  $("send").disabled = true;
  showBanner("");
  let accepted = false;
  let answer = null;
  let streamed = "";
  const ensureAnswer = () => {
    if (!answer) { answer = addBubble("assistant", ""); answer.classList.add("pending"); }
    return answer;
  };
  const fail = (message) => {
    if (answer && !streamed) answer.remove();
    const div = addBubble("error", message);
    div.setAttribute("role", "alert");
  };
  try {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "Accept": "text/event-stream",
          "X-Model": state.model }),
        body: JSON.stringify(body),
      });
    } catch (err) {
      fail("Cannot reach the toolloom server.");
      return false;
    }
    if (!response.ok) {
      fail(await errorText(response));
      return false;
    }
    accepted = true;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let finished = false;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = raw.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
        if (!data) continue;
        const ev = JSON.parse(data);
        if (ev.type === "token") {
          streamed += ev.text;
          ensureAnswer().innerHTML = renderMarkdown(streamed);
          answer.classList.add("pending");
          scrollDown();
        } else if (ev.type === "tool_call") {
          // A draft that turned into a tool call is taken back; the answer comes after the tools.
          if (answer) { answer.remove(); answer = null; streamed = ""; }
          toolCard(ev);
        } else if (ev.type === "tool_result") {
          toolResult(ev);
        } else if (ev.type === "waiting") {
          finished = true;
          if (answer && !streamed) { answer.remove(); answer = null; }
          const still = new Set((ev.approvals || []).map((a) => a.interrupt_id));
          for (const panel of document.querySelectorAll(".approval")) {
            if (!still.has(panel.dataset.interrupt)) decidedPanel(panel);
          }
          for (const approval of ev.approvals || []) approvalPanel(approval);
        } else if (ev.type === "done") {
          finished = true;
          const final = ensureAnswer();
          $("messages").appendChild(final); // after any tool cards that came in between
          final.innerHTML = renderMarkdown(ev.content || streamed || "(no answer)");
          if (ev.model) {
            final.dataset.model = ev.model;
            const served = document.createElement("small");
            served.className = "served";
            served.textContent = "answered by " + ev.model;
            final.appendChild(served);
          }
          final.classList.remove("pending");
          scrollDown();
        } else if (ev.type === "error") {
          finished = true;
          fail(ev.message + " (" + ev.status + ")");
        }
      }
    }
    if (!finished) fail("The answer was cut off: the connection to the server closed early.");
  } catch (err) {
    fail("Something went wrong while reading the answer: " + err.message);
  } finally {
    if (answer) answer.classList.remove("pending");
    state.busy = false;
    $("send").disabled = false;
    loadThreads();
  }
  return accepted;
}

// ---- wiring ---------------------------------------------------------------------------------------

function closeSidebar() {
  $("sidebar").classList.remove("open");
  $("toggle-threads").setAttribute("aria-expanded", "false");
}

function autosize() {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = Math.min(input.scrollHeight, 160) + "px";
}

document.addEventListener("DOMContentLoaded", async () => {
  $("api-key").value = state.apiKey;
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("input").value;
    if (!text.trim()) return;
    $("input").value = "";
    autosize();
    send(text);
  });
  $("input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("input").addEventListener("input", autosize);
  $("new-thread").addEventListener("click", () => {
    setThread(newThreadId());
    clearMessages();
    cards.clear();
    showBanner("");
    closeSidebar();
    $("input").focus();
  });
  $("save-key").addEventListener("click", async () => {
    state.apiKey = $("api-key").value.trim();
    if (state.apiKey) localStorage.setItem(KEY_STORE, state.apiKey);
    else localStorage.removeItem(KEY_STORE);
    showBanner("");
    await loadThreads();
    loadTools();
    await loadModels();
    if (state.threadId) await openThread(state.threadId);
  });
  $("model").addEventListener("change", () => {
    state.model = $("model").value;
    localStorage.setItem(MODEL_STORE, state.model);
  });
  $("api-key").addEventListener("keydown", (e) => { if (e.key === "Enter") $("save-key").click(); });
  $("toggle-threads").addEventListener("click", () => {
    const open = $("sidebar").classList.toggle("open");
    $("toggle-threads").setAttribute("aria-expanded", String(open));
  });

  if (!state.threadId) setThread(newThreadId());
  else setThread(state.threadId);
  await refreshStatus();
  setInterval(refreshStatus, 15000);
  loadTools();
  await loadModels();
  await loadThreads();
  await openThread(state.threadId);
});
