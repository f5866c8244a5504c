// The WhatsApp mode: a customer's and a Friend's WhatsApp. As in app.js (whose `el` this uses),
// everything shown may come from users or the bot, so it only ever goes into the page with
// textContent and attributes on created elements, never parsed as HTML.
"use strict";

const WA_POLL_MS = 800;
const TICKS = { accepted: "🕓", sent: "✓ sent", delivered: "✓✓ delivered", read: "✓✓ read" };

function waSafeSrc(url) {
  // The simulator's own paths, or http(s) links the services sent; nothing else.
  if (typeof url !== "string" || !url) return null;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

class WhatsAppPane {
  constructor(root) {
    const parts = document.getElementById("wa-phone-parts").content.cloneNode(true);
    const actions = root.querySelector(".actions");
    actions.before(parts.querySelector(".chat"));
    actions.after(parts.querySelector(".composer"), parts.querySelector(".status"));
    this.root = root;
    this.number = root.dataset.wa;
    this.chat = root.querySelector(".chat");
    this.status = root.querySelector(".status");
    this.waidInput = root.querySelector(".waid");
    this.nameInput = root.querySelector(".name");
    this.textInput = root.querySelector(".text");
    this.storageKey = `techfriends-sim-wa-${this.number}`;
    const saved = JSON.parse(localStorage.getItem(this.storageKey) || "{}");
    this.waidInput.value = saved.wa_id || this.waidInput.value;
    this.nameInput.value = saved.name || this.nameInput.value;
    this.reset();

    root.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.textInput.value;
      if (!text.trim()) return;
      this.textInput.value = "";
      this.send({ text });
    });
    root.querySelector(".share-location").addEventListener("click", () =>
      this.send({ location: demoLocation }),
    );
    for (const [selector, media] of [[".send-photo", "photo"], [".send-voice", "voice"]]) {
      const button = root.querySelector(selector);
      if (button) button.addEventListener("click", () => this.send({ media }));
    }
    root.querySelector(".age-window").addEventListener("click", () => this.ageWindow());
    for (const input of [this.waidInput, this.nameInput]) {
      input.addEventListener("change", () => {
        const person = { wa_id: this.waId(), name: this.nameInput.value.trim() };
        localStorage.setItem(this.storageKey, JSON.stringify(person));
        this.reset();
        this.poll();
      });
    }
  }

  waId() {
    return this.waidInput.value.replace(/[^0-9]/g, "");
  }

  reset() {
    this.generation = (this.generation || 0) + 1;
    this.since = 0;
    this.rows = new Map(); // seq → the tick element of a message we received
    this.chat.replaceChildren();
  }

  setStatus(text, ok = false) {
    this.status.textContent = text;
    this.status.classList.toggle("ok", ok);
  }

  async send(fields) {
    const wa_id = this.waId();
    if (!wa_id) {
      this.setStatus("Enter a WhatsApp number (digits) first.");
      return;
    }
    this.setStatus("sending…", true);
    try {
      const resp = await fetch("/api/sim/whatsapp/send", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ number: this.number, wa_id, name: this.nameInput.value.trim(), ...fields }),
      });
      const body = await resp.json().catch(() => ({}));
      if (resp.ok) {
        this.setStatus(`delivered (webhook ${resp.status})`, true);
      } else {
        const reason = body.error || body.webhook_response || (await resp.text().catch(() => ""));
        this.setStatus(`not delivered (${resp.status}): ${reason}`);
      }
    } catch (err) {
      this.setStatus(`simulator unreachable: ${err}`);
    }
    this.poll();
  }

  async ageWindow() {
    const wa_id = this.waId();
    const resp = await fetch("/graph/_control/whatsapp/last-inbound", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ number: this.number, wa_id, hours_ago: 72 }),
    });
    this.setStatus(
      resp.ok ? "Last message moved 3 days back: only templates reach this person now." : `could not move it (${resp.status})`,
      resp.ok,
    );
  }

  async poll() {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
    }
    if (this.pollAgain) {
      this.pollAgain = false;
      this.poll();
    }
  }

  async pollOnce() {
    const wa_id = this.waId();
    if (!wa_id || this.root.closest("[hidden]")) return;
    const generation = this.generation;
    const query = new URLSearchParams({ number: this.number, wa_id, since: String(this.since) });
    try {
      const resp = await fetch(`/api/sim/whatsapp/messages?${query}`);
      if (!resp.ok) return;
      const data = await resp.json();
      if (generation !== this.generation) return;
      this.since = data.next;
      for (const item of data.messages) this.append(item);
      for (const [seq, state] of Object.entries(data.statuses || {})) {
        const tick = this.rows.get(Number(seq));
        if (tick && state) {
          tick.textContent = TICKS[state] || state;
          tick.classList.toggle("read", state === "read");
        }
      }
      if (data.messages.length) this.chat.scrollTop = this.chat.scrollHeight;
    } catch {
      // The next poll retries.
    }
  }

  append(item) {
    const row = el("div", `row ${item.direction} wa`);
    row.dataset.seq = String(item.seq);
    if (item.failed) row.classList.add("failed");
    const box = el("div", "template wa-message");
    if (item.template) {
      box.classList.add("wa-template");
      box.append(el("div", "wa-template-name", `Template ${item.template.name} · ${item.template.language}`));
    }
    this.media(box, item.media || item.attachment, item.direction);
    if (item.text) box.append(el("div", "bubble", item.text));
    const buttons = item.template ? item.template.buttons : item.buttons || [];
    const kind = item.template ? "button" : "button_reply";
    for (const button of buttons) {
      box.append(this.replyButton(button.title || button.id, { kind, id: button.id, title: button.title, context_id: item.wamid }));
    }
    if (item.list) box.append(this.list(item.list, item.wamid));
    row.append(box);
    const notes = [];
    if (item.note) notes.push(item.note);
    if (item.error) notes.push(`Graph API refused: ${item.error}`);
    if (notes.length) row.append(el("div", "note", notes.join(" · ")));
    if (item.direction === "out" && !item.failed) {
      const tick = el("div", "note tick", TICKS[item.status] || "");
      row.append(tick);
      this.rows.set(item.seq, tick);
    }
    this.chat.append(row);
  }

  media(box, media, direction) {
    const src = media && waSafeSrc(media.url);
    if (!media || !src) return;
    const mine = direction === "in";
    if (media.type === "image" || media.type === "sticker") {
      const img = el("img", "wa-image");
      img.src = src;
      img.alt = mine ? "Photo you sent" : "Photo from techfriends";
      box.append(img);
    } else if (media.type === "audio") {
      const audio = el("audio", "wa-audio");
      audio.controls = true;
      audio.src = src;
      audio.setAttribute("aria-label", mine ? "Voice message you sent" : "Voice message from techfriends");
      box.append(audio);
    } else {
      const link = el("a", "wa-document", `📄 ${media.filename || media.type}`);
      link.href = src;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      box.append(link);
    }
  }

  replyButton(label, reply) {
    const node = el("button", "tbutton wa-reply", label);
    node.type = "button";
    node.addEventListener("click", () => this.send({ reply }));
    return node;
  }

  list(list, wamid) {
    // WhatsApp shows a button that opens the rows; here it unfolds them in place.
    const holder = el("div", "wa-list");
    const toggle = el("button", "tbutton wa-list-open", `☰ ${list.button}`);
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    const rows = el("div", "wa-rows");
    rows.hidden = true;
    rows.setAttribute("role", "group");
    rows.setAttribute("aria-label", list.button);
    for (const section of list.sections) {
      if (section.title) rows.append(el("div", "wa-section", section.title));
      for (const row of section.rows) {
        const node = el("button", "wa-row");
        node.type = "button";
        node.append(el("span", "wa-row-title", row.title));
        if (row.description) node.append(el("span", "wa-row-description", row.description));
        node.addEventListener("click", () => {
          rows.hidden = true;
          toggle.setAttribute("aria-expanded", "false");
          this.send({ reply: { kind: "list_reply", id: row.id, title: row.title, context_id: wamid } });
        });
        rows.append(node);
      }
    }
    toggle.addEventListener("click", () => {
      rows.hidden = !rows.hidden;
      toggle.setAttribute("aria-expanded", String(!rows.hidden));
    });
    holder.append(toggle, rows);
    return holder;
  }
}

function showMode(asked) {
  const mode = asked === "whatsapp" ? "whatsapp" : "messenger";
  const whatsapp = mode === "whatsapp";
  document.getElementById("messenger-phones").hidden = whatsapp;
  document.getElementById("whatsapp-phones").hidden = !whatsapp;
  for (const button of document.querySelectorAll(".mode")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
  }
  localStorage.setItem("techfriends-sim-mode", mode);
  if (whatsapp) for (const pane of waPanes) pane.poll();
}

async function loadWhatsAppFriends() {
  // Friends on WhatsApp are those whose chat id is "wa-<number>" (the backend's list).
  try {
    const resp = await fetch("/api/sim/friends");
    const data = await resp.json();
    const list = document.getElementById("wa-friend-list");
    list.replaceChildren();
    for (const friend of data.friends || []) {
      if (!friend.psid.startsWith("wa-")) continue;
      const option = el("option");
      option.value = friend.psid.slice(3);
      option.label = friend.name ? `${friend.name} (+${option.value})` : `+${option.value}`;
      list.append(option);
    }
  } catch {
    // Without the backend the list stays empty; typing a number still works.
  }
}

const waPanes = [...document.querySelectorAll(".wa-phone")].map((root) => new WhatsAppPane(root));
document.querySelector('[data-wa="friends"] .waid').addEventListener("focus", loadWhatsAppFriends);
for (const button of document.querySelectorAll(".mode")) {
  button.addEventListener("click", () => showMode(button.dataset.mode));
}
// ?mode=whatsapp opens the WhatsApp phones directly (a link to share, and the browser tests).
showMode(new URLSearchParams(location.search).get("mode") || localStorage.getItem("techfriends-sim-mode") || "messenger");
for (const pane of waPanes) setInterval(() => pane.poll(), WA_POLL_MS);
