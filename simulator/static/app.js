// Everything shown here may come from users or the bot, so it is only ever put into the page
// with textContent / attributes set on created elements, never parsed as HTML.
"use strict";

const POLL_MS = 800;
// What Messenger fills in when a user taps a phone/email quick reply.
const DEMO_PHONE = "+49 30 12345678";
const DEMO_EMAIL = "kunde@example.com";

let demoLocation = { lat: 52.5219, long: 13.4132 };
let demoImageUrl = "https://scontent.example.invalid/techfriends-demo/router-blinkt-rot.jpg";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function safeUrl(url) {
  // Bot-supplied links must not smuggle javascript: or data: URLs into a click.
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

// The chat, typing dots and quick replies above a phone's action buttons, the composer and
// status line below them: the same in both phones, so written once in index.html's template.
function addPhoneParts(root) {
  const parts = document.getElementById("phone-parts").content.cloneNode(true);
  const actions = root.querySelector(".actions");
  actions.before(...[".chat", ".typing", ".quick-replies"].map((s) => parts.querySelector(s)));
  actions.after(...[".composer", ".status"].map((s) => parts.querySelector(s)));
}

class Pane {
  constructor(root) {
    addPhoneParts(root);
    this.root = root;
    this.page = root.dataset.page;
    this.chat = root.querySelector(".chat");
    this.quickReplies = root.querySelector(".quick-replies");
    this.typing = root.querySelector(".typing");
    this.status = root.querySelector(".status");
    this.psidInput = root.querySelector(".psid");
    this.textInput = root.querySelector(".text");
    this.storageKey = `techfriends-sim-psid-${this.page}`;
    this.psidInput.value = localStorage.getItem(this.storageKey) || this.psidInput.value;
    this.reset();

    root.querySelector(".composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.textInput.value;
      if (!text.trim()) return;
      this.textInput.value = "";
      this.send({ text });
    });
    const getStarted = root.querySelector(".get-started");
    if (getStarted) {
      getStarted.addEventListener("click", () =>
        this.send({ postback_payload: "/get_started", postback_title: "Get Started" }),
      );
    }
    root.querySelector(".share-location").addEventListener("click", () =>
      this.send({ location: demoLocation }),
    );
    const sendPhoto = root.querySelector(".send-photo");
    if (sendPhoto) {
      sendPhoto.addEventListener("click", () => this.send({ image_url: demoImageUrl }));
    }
    this.psidInput.addEventListener("change", () => {
      localStorage.setItem(this.storageKey, this.psid());
      this.reset();
      this.poll();
    });
  }

  psid() {
    return this.psidInput.value.trim();
  }

  reset() {
    // A generation number lets answers to polls for a previous PSID be dropped.
    this.generation = (this.generation || 0) + 1;
    this.since = 0;
    this.last = null;
    this.chat.replaceChildren();
    this.quickReplies.replaceChildren();
    this.typing.hidden = true;
  }

  setStatus(text, ok = false) {
    this.status.textContent = text;
    this.status.classList.toggle("ok", ok);
  }

  async send(fields) {
    const psid = this.psid();
    if (!psid) {
      this.setStatus("Enter a PSID first.");
      return;
    }
    this.quickReplies.replaceChildren();
    this.setStatus("sending…", true);
    try {
      const resp = await fetch("/api/sim/send", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ page: this.page, sender: psid, ...fields }),
      });
      const body = await resp.json().catch(() => ({}));
      if (!resp.ok && body.seq) {
        this.markFailed(body.seq, body.error ? "webhook unreachable" : `webhook answered ${resp.status}`);
      }
      if (resp.ok) {
        this.setStatus(`delivered (webhook ${resp.status})`, true);
      } else {
        this.setStatus(body.error || `webhook answered ${resp.status}: ${body.webhook_response || ""}`);
      }
    } catch (err) {
      this.setStatus(`simulator unreachable: ${err}`);
    }
    this.poll();
  }

  async poll() {
    // Overlapping polls would share a `since` and append the same messages twice.
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
    const psid = this.psid();
    if (!psid) return;
    const generation = this.generation;
    const query = new URLSearchParams({ page: this.page, psid, since: String(this.since) });
    try {
      const resp = await fetch(`/api/sim/messages?${query}`);
      if (!resp.ok) return;
      const data = await resp.json();
      if (generation !== this.generation) return;
      this.since = data.next;
      for (const item of data.messages) this.append(item);
      this.typing.hidden = !data.typing;
      if (data.messages.length || data.typing) this.chat.scrollTop = this.chat.scrollHeight;
      if (data.messages.length) this.renderQuickReplies();
    } catch {
      // The next poll retries; the simulator may just be restarting.
    }
  }

  markFailed(seq, reason) {
    // The bubble may already be on screen from a poll that ran while the webhook was busy.
    const row = this.chat.querySelector(`[data-seq="${Number(seq)}"]`);
    if (!row || row.classList.contains("failed")) return;
    row.classList.add("failed");
    row.append(el("div", "note", reason));
  }

  append(item) {
    this.last = item;
    const row = el("div", `row ${item.direction}`);
    row.dataset.seq = String(item.seq);
    if (item.failed) row.classList.add("failed");
    const hasTemplate = item.buttons.length || item.cards.length;
    const holder = hasTemplate ? el("div", "template") : row;
    if (item.text) holder.append(el("div", "bubble", item.text));
    if (item.attachment) {
      const label = `[${item.attachment.type}] ${item.attachment.url || ""}`.trim();
      holder.append(el("div", "bubble", label));
    }
    for (const card of item.cards) holder.append(this.card(card));
    for (const button of item.buttons) holder.append(this.button(button));
    if (hasTemplate) row.append(holder);
    const notes = [];
    if (item.note) notes.push(item.note);
    if (item.failed && item.direction === "out") {
      notes.push("Graph API returned an error: not delivered");
    }
    if (notes.length) row.append(el("div", "note", notes.join(" · ")));
    if (!row.childElementCount) row.append(el("div", "bubble", "(empty message)"));
    this.chat.append(row);
  }

  card(card) {
    const node = el("div", "card");
    if (card.image_url) node.append(el("div", "card-image", `🖼 ${card.image_url}`));
    if (card.title) node.append(el("div", "card-title", card.title));
    if (card.subtitle) node.append(el("div", "card-subtitle", card.subtitle));
    for (const button of card.buttons) node.append(this.button(button));
    return node;
  }

  button(button) {
    if (button.type === "web_url") {
      const url = safeUrl(button.url);
      if (url) {
        const link = el("a", "tbutton", button.title || url);
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        return link;
      }
    }
    const node = el("button", "tbutton", button.title || button.payload);
    node.type = "button";
    if (button.type === "postback") {
      node.addEventListener("click", () =>
        this.send({ postback_payload: button.payload, postback_title: button.title }),
      );
    } else {
      node.disabled = true;
      node.title = `${button.type} ${button.payload || button.url}`;
    }
    return node;
  }

  renderQuickReplies() {
    // Messenger offers quick replies only under the page's latest message.
    this.quickReplies.replaceChildren();
    const item = this.last;
    if (!item || item.direction !== "out") return;
    for (const reply of item.quick_replies) {
      let title = reply.title;
      let fields = { text: reply.title, quick_reply_payload: reply.payload };
      if (reply.content_type === "user_phone_number") {
        title = DEMO_PHONE;
        fields = { text: DEMO_PHONE, quick_reply_payload: DEMO_PHONE };
      } else if (reply.content_type === "user_email") {
        title = DEMO_EMAIL;
        fields = { text: DEMO_EMAIL, quick_reply_payload: DEMO_EMAIL };
      } else if (reply.content_type === "location") {
        title = "📍 Send location";
        fields = { location: demoLocation };
      }
      const pill = el("button", "pill", title || reply.payload);
      pill.type = "button";
      pill.addEventListener("click", () => this.send(fields));
      this.quickReplies.append(pill);
    }
  }
}

async function loadConfig() {
  try {
    const resp = await fetch("/api/sim/config");
    const config = await resp.json();
    demoLocation = config.demo_location || demoLocation;
    demoImageUrl = config.demo_image_url || demoImageUrl;
    const list = document.getElementById("warnings");
    for (const warning of config.warnings || []) list.append(el("li", null, warning));
    list.hidden = !list.childElementCount;
  } catch {
    // Defaults are fine for a first look.
  }
}

async function loadFriends() {
  try {
    const resp = await fetch("/api/sim/friends");
    const data = await resp.json();
    const list = document.getElementById("friend-list");
    // Reloaded whenever the field is focused, so Friends onboarded meanwhile show up once.
    list.replaceChildren();
    for (const friend of data.friends || []) {
      const option = el("option");
      option.value = friend.psid;
      option.label = friend.name ? `${friend.name} (${friend.psid})` : friend.psid;
      list.append(option);
    }
  } catch {
    // Without the backend the datalist stays empty; typing a PSID still works.
  }
}

const panes = [...document.querySelectorAll(".phone[data-page]")].map((root) => new Pane(root));
loadConfig();
loadFriends();
document.querySelector('[data-page="friends"] .psid').addEventListener("focus", loadFriends);
for (const pane of panes) {
  pane.poll();
  setInterval(() => pane.poll(), POLL_MS);
}
