// The rule playground's script: line numbers, live diagnostics, runs,
// conversions and share links. No framework and no build step; every
// text from the server or a share link goes into the page as text, never
// as HTML.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
    return e;
  };

  // ---- editors: a gutter of line numbers beside each textarea ----
  function gutter(area) {
    const g = area.parentElement.querySelector(".gutter");
    const lines = area.value.split("\n").length;
    if (g.childElementCount !== lines) {
      g.textContent = "";
      for (let i = 1; i <= lines; i++) g.append(el("div", { "data-line": i }, i));
    }
    g.scrollTop = area.scrollTop;
  }
  const areas = $$(".editor textarea");
  for (const a of areas) {
    a.addEventListener("input", () => gutter(a));
    a.addEventListener("scroll", () => gutter(a));
    gutter(a);
  }

  // ---- tabs, one per account ----
  const tabs = $$('[role="tab"]');
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", on);
      t.tabIndex = on ? 0 : -1;
      $("#" + t.getAttribute("aria-controls")).hidden = !on;
    }
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t));
    t.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      select(next);
      next.focus();
    });
  });

  // ---- what the page holds ----
  const panels = $$(".panel");
  function files() {
    return panels.map((p) => ({
      account: p.dataset.account,
      name: $(".file-name", p).value,
      text: $("textarea", p).value,
    }));
  }
  function state() {
    return { files: files(), ticket: $("#ticket").value, event: $("#event").value };
  }
  function restore(s) {
    for (const f of s.files || []) {
      const p = panels.find((p) => p.dataset.account === f.account);
      if (!p) continue;
      $(".file-name", p).value = f.name;
      $("textarea", p).value = f.text;
    }
    if (typeof s.ticket === "string") $("#ticket").value = s.ticket;
    if (typeof s.event === "string") $("#event").value = s.event;
    areas.forEach(gutter);
  }

  async function post(path, body) {
    const r = await fetch("/playground/" + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    let json = null;
    try { json = await r.json(); } catch (_) { /* shown below */ }
    return { ok: r.ok, status: r.status, json: json || {} };
  }

  // ---- live diagnostics ----
  const list = $("#diagnostics");
  function editorOf(account) {
    return $("#rules-" + account);
  }
  function mark(diags) {
    for (const a of areas) $$(".gutter div", a.parentElement).forEach((d) => {
      d.classList.remove("error", "warning");
      d.removeAttribute("title");
    });
    for (const { account, d } of diags) {
      const area = editorOf(account);
      const line = area && $('.gutter [data-line="' + d.line + '"]', area.parentElement);
      if (!line) continue;
      line.classList.add(d.severity === "error" ? "error" : "warning");
      line.title = d.message;
    }
  }
  function showDiagnostics(answer) {
    list.textContent = "";
    const all = [];
    for (const f of answer.files || []) for (const d of f.diagnostics) all.push({ account: f.account, name: f.name, d });
    if (!all.length) list.append(el("li", { class: "none ok" }, "No problems found."));
    for (const { account, name, d } of all) {
      const item = el("li", {
        class: "diag " + d.severity, tabindex: "0", role: "button",
        "data-account": account || "", "data-line": d.line, "data-column": d.column,
      },
        el("span", { class: "where" }, name + ":" + d.line + ":" + d.column),
        " ", el("span", { class: "severity" }, d.severity + "[" + d.code + "]"),
        ": ", el("span", { class: "message" }, d.message),
        d.help ? el("div", { class: "help" }, "help: " + d.help) : null);
      const go = () => jump(account, d.line, d.column);
      item.addEventListener("click", go);
      item.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
      list.append(item);
    }
    mark(all);
  }
  function jump(account, line, column) {
    const area = editorOf(account);
    if (!area) return;
    select($("#tab-" + account));
    const lines = area.value.split("\n");
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    at += Math.max(0, column - 1);
    area.focus();
    area.setSelectionRange(at, at);
  }
  // aria-busy is true from an edit until the check of the latest text
  // has answered, so no one reads diagnostics of older text as current.
  let timer = null, asked = 0;
  async function check() {
    const mine = ++asked;
    list.setAttribute("aria-busy", "true");
    const r = await post("check", { files: files() }).catch(() => null);
    if (mine !== asked) return; // a later check is on its way
    if (r && r.status === 503) { timer = setTimeout(check, 500); return; }
    list.setAttribute("aria-busy", "false");
    if (!r) showProblem(list, {});
    else if (r.ok) showDiagnostics(r.json);
    else showProblem(list, r.json);
  }
  function soon() {
    list.setAttribute("aria-busy", "true");
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }
  panels.forEach((p) => p.addEventListener("input", soon));

  function showProblem(into, json) {
    into.textContent = "";
    into.append(el(into.tagName === "UL" ? "li" : "p", { class: "problem", role: "alert" },
      json.description || json.error || "the server did not answer"));
  }

  // ---- run ----
  const result = $("#result");
  async function run() {
    clearTimeout(timer);
    const r = await post("run", state()).catch(() => null);
    result.textContent = "";
    result.append(el("h2", { id: "result-title" }, "Result"));
    if (!r) return showProblem(result, {});
    if (!r.ok) {
      if (r.json.details) showDiagnostics(r.json.details);
      return result.append(el("p", { class: "problem", role: "alert" }, r.json.description || "the run failed"));
    }
    check();
    result.append(runView(r.json));
  }
  $("#run").addEventListener("click", run);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });

  function runView(v) {
    const box = el("div", { class: "run", "data-status": v.status || "" });
    if (v.status !== "applied") {
      box.append(el("p", { class: "problem" }, "event " + v.status + (v.reason ? ": " + v.reason : "")));
      return box;
    }
    box.append(el("h3", {}, v.account + ": ticket " + v.ticket_id));
    box.append(outcomeView(v.outcome));
    if (v.partners.length) {
      box.append(el("h3", {}, "Partner side"));
      for (const p of v.partners) box.append(partnerView(p));
    }
    box.append(el("details", {}, el("summary", {}, "As dry-run prints it"), el("pre", {}, v.text)));
    return box;
  }
  function outcomeView(o) {
    const part = el("div", { class: "outcome" });
    if (o.skipped) part.append(el("p", {}, "no rules ran: " + o.skipped));
    if (o.changes.length) part.append(el("p", { class: "changes" }, "the update: " + o.changes.join("; ")));
    part.append(el("h4", {}, o.fired.length ? "Fired, in order" : "Fired: none"));
    const fired = el("ol", { class: "fired" });
    for (const f of o.fired) {
      const effects = el("ul", {});
      for (const e of f.effects) effects.append(el("li", {}, el("code", {}, e.action), " → ", e.effect));
      fired.append(el("li", { class: "fired-rule", "data-title": f.title },
        el("strong", {}, f.title), " ", el("span", { class: "source" }, f.source), effects));
    }
    part.append(fired);
    if (o.not_fired.length) {
      part.append(el("h4", {}, "Did not fire"));
      const not = el("ul", { class: "not-fired" });
      for (const t of o.not_fired) {
        const conds = el("ul", {});
        if (!t.conditions.length) conds.append(el("li", {}, "(no conditions)"));
        for (const c of t.conditions) {
          conds.append(el("li", { class: c.held ? "held" : "failed" },
            c.held ? "✓ " : "✗ ", el("code", {}, c.condition), ": saw ", c.saw));
        }
        not.append(el("li", { class: "why-not", "data-title": t.title },
          el("strong", {}, t.title), " ", el("span", { class: "source" }, t.source), conds));
      }
      part.append(not);
    }
    part.append(ticketView(o.ticket));
    return part;
  }
  function ticketView(t) {
    const tags = (t.tags || []).join(" ") || "(none)";
    return el("p", { class: "ticket" }, "ticket after: ", el("strong", {}, t.subject || "(no subject)"),
      " · status " + t.status + " · priority " + (t.priority || "(none)") +
      " · group " + (t.group || "(none)") + " · tags " + tags);
  }
  function partnerView(p) {
    const box = el("div", { class: "partner", "data-what": p.what });
    if (p.what === "queued") {
      box.append(el("p", {}, "hop " + p.hop + ": " + p.kind + " of ticket " + p.from.id + " queued for remote partner " + p.partner + " over “" + p.agreement + "”"));
    } else if (p.what === "note") {
      box.append(el("p", {}, "hop " + p.hop + ": note on ticket " + p.on.id + " in " + p.on.account + ": " + p.text));
    } else {
      box.dataset.account = p.to.account;
      box.append(el("h4", {}, "hop " + p.hop + ": " + p.what + " from " + p.from.account + " ticket " + p.from.id + " to " + p.to.account + " ticket " + p.to.id));
      if (p.not_applied) box.append(el("p", {}, "not applied: " + p.not_applied));
      if (p.outcome) box.append(outcomeView(p.outcome));
    }
    return box;
  }

  // ---- templates and conversions ----
  const templates = JSON.parse($("#templates").textContent);
  for (const b of $$(".template")) b.addEventListener("click", () => {
    $("#event").value = templates[b.dataset.template];
    gutter($("#event"));
  });
  for (const b of $$(".convert")) b.addEventListener("click", async () => {
    const p = b.closest(".panel");
    const name = $(".file-name", p), area = $("textarea", p);
    const r = await post("convert", { name: name.value, text: area.value, to: b.dataset.to });
    if (r.ok) {
      name.value = r.json.name;
      area.value = r.json.text;
      gutter(area);
      check();
    } else if (r.json.details) {
      const files = r.json.details.files.map((f) => Object.assign({ account: p.dataset.account }, f));
      showDiagnostics({ files });
    } else showProblem(list, r.json);
  });

  // ---- share links: everything in the fragment, which is never sent ----
  function encode(s) {
    const bytes = new TextEncoder().encode(JSON.stringify(s));
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function decode(text) {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  }
  $("#share").addEventListener("click", () => {
    const link = location.href.split("#")[0] + "#v1=" + encode(state());
    history.replaceState(null, "", link);
    const out = $("#share-link");
    out.value = link;
    out.select();
    if (navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
  });
  function fromFragment() {
    const m = location.hash.match(/^#v1=([A-Za-z0-9_-]+)$/);
    if (!m) return;
    try { restore(decode(m[1])); } catch (_) {
      list.textContent = "";
      list.append(el("li", { class: "problem", role: "alert" }, "the link's rules could not be read"));
    }
  }
  window.addEventListener("hashchange", () => { fromFragment(); check(); });
  fromFragment();
  check();
})();
