// The ticket page (tickets/templates/admin/tickets/ticket/change_form.html). The side panel saves each change at
// once, so a half-written reply is never lost to a page load; SLA due times count down; the page tells the agent
// who else is on the ticket and asks before a reply goes out over someone else's; keyboard shortcuts (listed
// under "?"). Without this script the page still works: the panel has its Save button, the server refuses a reply
// sent over an unseen one and keeps the draft.
document.addEventListener("DOMContentLoaded", () => {
  const desk = document.querySelector(".ticket-desk");
  if (!desk) return;
  const csrf = () => document.querySelector("[name=csrfmiddlewaretoken]").value;
  const post = (url, data, options = {}) =>
    fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf(), Accept: "application/json" },
      credentials: "same-origin",
      ...options,
    });

  // --- the side panel saves as it changes ------------------------------------------------------
  const properties = document.getElementById("ticket_form");
  const saved = document.getElementById("properties-status");
  let saving = Promise.resolve();
  const save = () => {
    saving = saving.then(async () => {
      saved.textContent = "Saving\u2026";
      try {
        const response = await post(desk.dataset.propertiesUrl, new FormData(properties));
        const data = await response.json();
        saved.textContent = data.message;
        saved.dataset.state = response.ok ? "saved" : "error";
        if (response.ok && data.version) {
          properties.querySelector("[name=version]").value = data.version;
          if (data.status) {
            const badge = document.getElementById("desk-status");
            badge.textContent = data.status_label;
            badge.dataset.status = data.status;
            badge.className = `ticket-status ticket-status-${data.status}`;
          }
          const sla = document.getElementById("desk-sla");
          if (sla && data.sla) sla.textContent = data.sla;
        }
      } catch {
        saved.textContent = "Not saved: the server could not be reached. Try again.";
        saved.dataset.state = "error";
      }
    });
    return saving;
  };
  if (properties && saved) {
    properties.addEventListener("change", save);
    properties.addEventListener("submit", (event) => {
      event.preventDefault();
      save();
    });
  }

  // --- SLA countdowns ------------------------------------------------------------------------------
  const span = (ms) => {
    const minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} days`;
  };
  const tick = () => {
    for (const due of document.querySelectorAll(".ticket-countdown")) {
      const left = new Date(due.dataset.due) - new Date();
      due.textContent = left >= 0 ? `in ${span(left)}` : `${span(left)} ago (missed)`;
      due.classList.toggle("ticket-late", left < 0);
    }
  };
  tick();
  window.setInterval(tick, 30_000);

  // --- who else is here -----------------------------------------------------------------------------
  const banner = document.getElementById("presence");
  const box = document.getElementById("id_message_body");
  const reply = document.getElementById("reply");
  const seen = document.getElementById("id_seen");
  const confirmed = document.getElementById("id_confirmed");
  let state = "viewing";
  let unseenReplies = [];
  const ago = (iso) => {
    const minutes = Math.round((new Date() - new Date(iso)) / 60000);
    return minutes < 1 ? "just now" : minutes === 1 ? "1 minute ago" : `${minutes} minutes ago`;
  };
  const show = (others, newer) => {
    const lines = others.map((o) => `${o.name} is ${o.state}`);
    for (const m of newer) {
      const did = m.kind === "reply" ? "replied" : m.kind === "note" ? "added a note" : "wrote";
      lines.push(`${m.author} ${did} ${ago(m.created_at)}`);
    }
    banner.replaceChildren(
      ...lines.map((text) => {
        const item = document.createElement("span");
        item.textContent = text;
        item.className = text.includes("replying") ? "ticket-presence-replying" : "ticket-presence-viewing";
        return item;
      }),
    );
  };
  const poll = async (now = state) => {
    const data = new FormData();
    data.append("state", now);
    if (seen) data.append("after", seen.value);
    try {
      const response = await post(desk.dataset.presenceUrl, data);
      if (!response.ok) return;
      const { others, newer } = await response.json();
      unseenReplies = newer.filter((m) => m.kind === "reply");
      show(others, newer);
    } catch {
      // A missed poll: the next one catches up.
    }
  };
  poll();
  window.setInterval(() => poll(), 1000 * Number(desk.dataset.pollSeconds || 10));
  window.addEventListener("pagehide", () => {
    const data = new FormData();
    data.append("state", "left");
    post(desk.dataset.presenceUrl, data, { keepalive: true });
  });

  if (box && reply) {
    const key = `cootrack-draft-${desk.dataset.ticket}`;
    if (!box.value && window.sessionStorage.getItem(key)) box.value = window.sessionStorage.getItem(key);
    box.addEventListener("input", () => {
      window.sessionStorage.setItem(key, box.value);
      const now = box.value.trim() ? "replying" : "viewing";
      if (now !== state) {
        state = now;
        poll();
      }
    });
    // Before a reply goes out: has anyone else answered since this page showed the thread?
    let checked = false;
    reply.addEventListener("submit", async (event) => {
      const submitter = event.submitter;
      const isReply = submitter && (submitter.value === "reply" || submitter.name === "and_next");
      if (!checked && isReply) {
        event.preventDefault();
        await poll();
        if (unseenReplies.length) {
          const said = unseenReplies.map((m) => `${m.author} replied ${ago(m.created_at)}:\n\u201c${m.body}\u201d`);
          if (!window.confirm(`${said.join("\n\n")}\n\nSend your reply anyway?`)) return;
          confirmed.value = "1";
        }
        checked = true;
        window.sessionStorage.removeItem(key);
        reply.requestSubmit(submitter);
        return;
      }
      window.sessionStorage.removeItem(key);
    });
  }

  // --- actions that ask first (a merge) -----------------------------------------------------------------
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // --- keyboard shortcuts -----------------------------------------------------------------------------
  const dialog = document.getElementById("shortcuts");
  const note = document.querySelector(".ticket-add-note");
  let mode = "reply";
  document.getElementById("show-shortcuts")?.addEventListener("click", () => dialog.showModal());
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      if (event.target === box && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        (mode === "note" ? note : reply.querySelector(".ticket-send-reply")).click();
      }
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      r: () => {
        mode = "reply";
        box?.classList.remove("ticket-writing-note");
        box?.focus();
      },
      n: () => {
        mode = "note";
        box?.classList.add("ticket-writing-note");
        box?.focus();
      },
      a: () => document.getElementById("assign-me")?.click(),
      s: () => document.getElementById("id_status")?.focus(),
      j: () => window.location.assign(document.getElementById("next-ticket").href),
      "?": () => (dialog.open ? dialog.close() : dialog.showModal()),
    };
    if (actions[event.key]) {
      event.preventDefault();
      actions[event.key]();
    }
  });
});
