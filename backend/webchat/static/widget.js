/* techfriends website chat widget.
 *
 * Embed with one tag (no build step):
 *   <script src="https://<backend>/webchat/widget.js" data-server="https://<rasa server>" defer></script>
 * Optional data attributes: data-language="de|en" (the widget's own texts; default from the
 * browser, then the page), data-title (panel heading), data-transports="polling websocket"
 * (default polling only: Rasa 3.6's server may not offer websockets), data-path (socket.io path).
 *
 * It speaks Rasa's socket.io protocol: `session_request` {session_id} → `session_confirm`
 * (the server's signed session token, kept in localStorage so a reload continues the same
 * conversation), `user_uttered` {message, session_id, customData} → `bot_uttered`
 * {text, quick_replies | buttons, attachment, sender?: "staff"}, and `bot_typing` {typing}
 * around a turn. After a reload the server sends the earlier messages again: our channel
 * (bot/webchat_channel.py) as `session_history` {resumed, messages: [{sender, text,
 * quick_replies?, attachment?}]}, which replaces what is on screen; a `history` event of the
 * same shape, or replayed `bot_uttered`/`user_uttered` events, work too (messages already on
 * screen are then not doubled).
 *
 * Safety: whatever the customer writes is shown with textContent, never parsed as HTML; bot
 * texts are split into text nodes and <a> elements built one by one, for http(s) links only.
 */
(function () {
  "use strict";

  var SOCKET_IO_FILE = "vendor/socket.io-4.8.4.min.js"; // tools/vendor_webchat.sh writes it
  var MAX_CHARS = 2000; // the server refuses longer messages (WEBCHAT_MAX_MESSAGE_CHARS)
  var REPLAY_WINDOW_MS = 3000; // a replay of earlier messages arrives right after session_confirm

  var TEXTS = {
    de: {
      launcher: "Chat",
      open: "Chat öffnen",
      openUnread: "Chat öffnen – neue Nachricht",
      title: "Chat",
      close: "Schließen",
      closeLabel: "Chat schließen",
      hint: "Schreiben Sie hier, wobei wir helfen können – zum Beispiel: „Mein WLAN geht nicht.“",
      log: "Unterhaltung",
      replies: "Antwortvorschläge",
      input: "Ihre Nachricht",
      placeholder: "Hier schreiben …", // short: the field is narrow on a phone
      send: "Senden",
      you: "Sie",
      bot: "Assistent",
      staff: "Team",
      typing: "Der Assistent schreibt …",
      connecting: "Verbindung wird aufgebaut …",
      offline: "Die Verbindung ist unterbrochen. Wir versuchen es weiter – Ihre Nachrichten gehen nicht verloren.",
      image: "Bild",
      newWindow: "(öffnet in neuem Fenster)",
    },
    en: {
      launcher: "Chat",
      open: "Open chat",
      openUnread: "Open chat – new message",
      title: "Chat",
      close: "Close",
      closeLabel: "Close chat",
      hint: "Write here what we can help with – for example: “My Wi-Fi does not work.”",
      log: "Conversation",
      replies: "Suggested answers",
      input: "Your message",
      placeholder: "Write here …",
      send: "Send",
      you: "You",
      bot: "Assistant",
      staff: "Team",
      typing: "The assistant is typing …",
      connecting: "Connecting …",
      offline: "The connection was lost. We keep trying – your messages will not be lost.",
      image: "Picture",
      newWindow: "(opens in a new window)",
    },
  };

  var script = document.currentScript;
  // Twice on one page (a CMS adding the snippet again) would mean two launchers.
  if (!script || window.techfriendsWebchat) return;

  var base = script.src.replace(/[^/]*$/, ""); // …/webchat/
  var data = script.dataset;
  var server = (data.server || window.location.origin).replace(/\/+$/, "");
  var T = TEXTS[chooseLanguage(data.language)];
  var storageKey = "techfriends-webchat:" + server;

  /* The same order the bot uses for its language: the browser's language, then the page's. */
  function chooseLanguage(forced) {
    var tags = [forced, navigator.language, document.documentElement.lang];
    for (var i = 0; i < tags.length; i++) {
      var code = String(tags[i] || "").slice(0, 2).toLowerCase();
      if (TEXTS[code]) return code;
    }
    return "en";
  }

  /* Storage may be switched off (private windows, strict settings): the chat still works, only
     a reload then starts a new conversation. */
  function stored(area, key) {
    try {
      return window[area].getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(area, key, value) {
    try {
      if (value === null) window[area].removeItem(key);
      else window[area].setItem(key, value);
    } catch (e) {
      /* see stored() */
    }
  }

  /* el("div", {class: "x"}, "text" | [nodes]) without ever touching innerHTML. */
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (typeof content === "string") node.textContent = content;
    else if (content) content.forEach(function (child) { node.append(child); });
    return node;
  }

  /* --- the page elements ------------------------------------------------------------------ */

  var host = el("div", { id: "techfriends-webchat", style: "display:none" });
  var root = host.attachShadow({ mode: "open" });
  var css = el("link", { rel: "stylesheet", href: base + "widget.css" });
  var ui = el("div", { class: "tfw", lang: T === TEXTS.de ? "de" : "en" });

  var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  icon.setAttribute("focusable", "false");
  var iconPath = document.createElementNS("http://www.w3.org/2000/svg", "path");
  iconPath.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  icon.append(iconPath);
  var badge = el("span", { class: "tfw-badge", hidden: "" });
  var launcher = el("button", {
    class: "tfw-launcher",
    type: "button",
    "aria-label": T.open,
    "aria-expanded": "false",
    "aria-controls": "tfw-panel",
  }, [icon, el("span", {}, T.launcher), badge]);

  var closeButton = el("button", { class: "tfw-close", type: "button", "aria-label": T.closeLabel }, T.close);
  var status = el("p", { class: "tfw-status", role: "status" });
  var hint = el("p", { class: "tfw-hint" }, T.hint);
  // tabindex: the list scrolls, and keyboard users must be able to scroll it.
  var log = el("div", { class: "tfw-log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var typing = el("div", { class: "tfw-typing", hidden: "" }, [
    el("span", { class: "tfw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", {}, T.typing),
  ]);
  var input = el("input", {
    id: "tfw-input",
    class: "tfw-input",
    type: "text",
    autocomplete: "off",
    maxlength: String(MAX_CHARS),
    placeholder: T.placeholder,
    enterkeyhint: "send",
  });
  var form = el("form", { class: "tfw-form" }, [
    el("label", { class: "tfw-sr", for: "tfw-input" }, T.input),
    input,
    el("button", { class: "tfw-send", type: "submit" }, T.send),
  ]);
  var panel = el("section", {
    id: "tfw-panel",
    class: "tfw-panel",
    role: "dialog",
    "aria-modal": "false",
    "aria-labelledby": "tfw-title",
    hidden: "",
  }, [
    el("div", { class: "tfw-header" }, [el("h2", { id: "tfw-title", class: "tfw-title" }, data.title || T.title), closeButton]),
    status,
    hint,
    log,
    typing,
    form,
  ]);
  ui.append(launcher, panel);
  root.append(css, ui);
  // Shown once its styles are there, so the page never flashes an unstyled chat.
  css.addEventListener("load", function () { host.style.display = ""; });
  css.addEventListener("error", function () { host.style.display = ""; });
  if (document.body) document.body.append(host);
  else document.addEventListener("DOMContentLoaded", function () { document.body.append(host); });

  /* --- opening and closing ---------------------------------------------------------------- */

  function isOpen() {
    return !panel.hidden;
  }

  function openPanel(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    badge.hidden = true;
    launcher.setAttribute("aria-label", T.open);
    store("sessionStorage", storageKey + ":open", "1"); // a reload keeps the chat open
    connect();
    scrollDown();
    if (focus) input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    store("sessionStorage", storageKey + ":open", null);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { openPanel(true); });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closePanel();
  });

  /* --- showing messages ------------------------------------------------------------------- */

  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

  function safeHttpUrl(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(url, label, className) {
    var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label);
    if (className) a.className = className;
    a.append(el("span", { class: "tfw-sr" }, " " + T.newWindow));
    return a;
  }

  /* Bot text with its http(s) addresses as links; everything else stays plain text. */
  function appendLinked(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      // A full stop or bracket right after an address ends the sentence, not the address.
      var address = match.replace(/[.,;:!?)\]]+$/, "");
      var href = safeHttpUrl(address);
      if (!href) return match;
      parent.append(text.slice(last, offset), link(href, address));
      last = offset + address.length;
      return match;
    });
    parent.append(text.slice(last));
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  /* Choices stay visible until the customer answers (by tapping or typing). */
  function hideReplies() {
    log.querySelectorAll(".tfw-replies").forEach(function (group) { group.remove(); });
  }

  function choices(message) {
    var list = message.quick_replies || message.buttons || [];
    return Array.isArray(list) ? list.filter(function (c) { return c && c.title; }) : [];
  }

  function replyButtons(list) {
    var group = el("div", { class: "tfw-replies", role: "group", "aria-label": T.replies });
    list.forEach(function (choice) {
      var url = choice.url || (choice.type === "web_url" ? choice.payload : null);
      if (url) {
        var href = safeHttpUrl(url);
        if (href) group.append(link(href, String(choice.title), "tfw-reply"));
        return;
      }
      var button = el("button", { class: "tfw-reply", type: "button" }, String(choice.title));
      button.dataset.payload = String(choice.payload || choice.title);
      button.addEventListener("click", function () {
        sendMessage(button.dataset.payload, String(choice.title));
      });
      group.append(button);
    });
    return group;
  }

  function attachmentNode(attachment) {
    var payload = (attachment && attachment.payload) || {};
    var href = safeHttpUrl(payload.src || payload.url || "");
    if (!href) return null;
    if (attachment.type === "image") return el("img", { src: href, alt: payload.title || T.image });
    return link(href, payload.title || href);
  }

  /* The title of the choice a replayed "/inform{…}" payload stands for, if it was offered. */
  var offered = {};

  function render(sender, message, options) {
    var text = String(message.text || "");
    var item = el("div", { class: "tfw-msg tfw-" + (sender === "user" ? "user" : "bot") });
    item.dataset.sender = sender;
    item.dataset.text = text;
    var bubble = el("div", { class: "tfw-bubble" });
    // Who said it, for screen readers (and visibly for staff, who are people, not the bot).
    var who = sender === "user" ? T.you : sender === "staff" ? T.staff : T.bot;
    if (sender === "staff") item.append(el("span", { class: "tfw-who", "aria-hidden": "true" }, who));
    bubble.append(el("span", { class: "tfw-sr" }, who + ": "));
    if (sender === "user") {
      var shown = message.title || offered[text] || text;
      item.dataset.payload = text;
      bubble.append(document.createTextNode(shown)); // the customer's text is only ever text
      hideReplies();
    } else {
      appendLinked(bubble, text);
      var extra = attachmentNode(message.attachment);
      if (extra) bubble.append(extra);
    }
    if (text || bubble.childNodes.length > 1) item.append(bubble);
    var list = sender === "user" ? [] : choices(message);
    if (list.length) {
      offered = {};
      list.forEach(function (c) { offered[String(c.payload)] = String(c.title); });
      item.append(replyButtons(list));
    }
    if (options && options.queued) item.classList.add("tfw-queued");
    log.append(item);
    hint.hidden = true;
    scrollDown();
    return item;
  }

  function clearLog() {
    log.textContent = "";
    offered = {};
    hint.hidden = false;
    pending.forEach(function (entry) { log.append(entry.item); });
  }

  /* --- the connection --------------------------------------------------------------------- */

  var socket = null;
  var token = stored("localStorage", storageKey);
  var confirmed = false;
  var pending = []; // {text, item}: written while not connected, sent after session_confirm
  var replay = null; // {shown, cursor, until}: the messages on screen the server may send again
  var quietUntil = 0; // no "new message" badge for the replay after session_confirm
  var echoes = []; // texts just sent: a server that echoes them back must not double them
  var sentSinceConfirm = []; // message elements the history sent at session_confirm cannot hold
  var retryDelay = 1000;
  var retryTimer = null;
  var typingTimer = null;

  function setStatus(text) {
    status.textContent = text || "";
  }

  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    // A turn that never answers must not leave the dots forever.
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 90000);
    scrollDown();
  }

  /* Our channel says when a turn starts and ends. While it runs, the log is aria-busy, so a
     screen reader reads the bot's answer as a whole once it is complete. */
  var busyTimer = null;

  function setBusy(on) {
    clearTimeout(busyTimer);
    if (on) {
      log.setAttribute("aria-busy", "true");
      busyTimer = setTimeout(function () { setBusy(false); }, 90000); // never stuck silent
    } else log.removeAttribute("aria-busy");
  }

  function onBotTyping(state) {
    var on = Boolean(state && state.typing);
    setBusy(on);
    showTyping(on);
  }

  /* The page may use socket.io itself: a 3.x/4.x client there (protocol 5) is used as it is;
     otherwise ours is loaded, and the page's own `io` global (say, a 2.x client) put back. */
  function loadSocketIo(ready) {
    if (window.io && window.io.protocol === 5) return ready(window.io);
    var previous = window.io;
    var tag = el("script", { src: base + SOCKET_IO_FILE, async: "" });
    tag.addEventListener("load", function () {
      var ours = window.io;
      if (previous !== undefined) window.io = previous;
      ready(ours);
    });
    tag.addEventListener("error", function () { setStatus(T.offline); });
    document.head.append(tag);
  }

  function connect() {
    if (socket) return;
    socket = "loading";
    setStatus(T.connecting);
    loadSocketIo(function (io) {
      var transports = (data.transports || "polling").split(/[\s,]+/).filter(Boolean);
      socket = io(server, {
        path: data.path || "/socket.io",
        transports: transports,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 15000,
      });
      socket.on("connect", onConnect);
      socket.on("disconnect", onDisconnect);
      socket.on("connect_error", onConnectError);
      socket.on("session_confirm", onSessionConfirm);
      socket.on("bot_uttered", function (message) { receive(message && message.sender === "staff" ? "staff" : "bot", message || {}); });
      socket.on("user_uttered", function (message) { receive("user", message || {}); });
      socket.on("session_history", onHistory);
      socket.on("history", onHistory);
      socket.on("bot_typing", onBotTyping);
    });
  }

  function onConnect() {
    retryDelay = 1000;
    confirmed = false;
    socket.emit("session_request", { session_id: token });
  }

  function onSessionConfirm(answer) {
    var next = typeof answer === "string" ? answer : answer && (answer.session_id || answer.sessionId);
    if (!next) return;
    if (next !== token) {
      // A new conversation (first visit, or the old token was refused): nothing old to show.
      token = next;
      store("localStorage", storageKey, next);
      clearLog();
    }
    confirmed = true;
    setStatus("");
    var shown = Array.prototype.filter.call(log.children, function (item) {
      return !item.classList.contains("tfw-queued");
    });
    replay = { shown: shown, cursor: 0, until: Date.now() + REPLAY_WINDOW_MS };
    quietUntil = Date.now() + REPLAY_WINDOW_MS;
    sentSinceConfirm = [];
    var waiting = pending;
    pending = [];
    waiting.forEach(function (entry) {
      entry.item.classList.remove("tfw-queued");
      sentSinceConfirm.push(entry.item);
      emitUtterance(entry.text);
    });
  }

  /* Reconnecting in the same page: the server's replay of what is on screen is skipped. */
  function alreadyShown(sender, text) {
    if (!replay) return false;
    if (Date.now() > replay.until || replay.cursor >= replay.shown.length) {
      replay = null;
      return false;
    }
    var item = replay.shown[replay.cursor];
    var same = (item.dataset.sender === "user") === (sender === "user") &&
      (item.dataset.text === text || item.dataset.payload === text);
    if (!same) {
      replay = null;
      return false;
    }
    replay.cursor += 1;
    return true;
  }

  function receive(sender, message) {
    var text = String(message.text || message.message || "");
    if (sender !== "user") showTyping(false);
    if (alreadyShown(sender, text)) return;
    if (sender === "user" && echoes.indexOf(text) >= 0) {
      echoes.splice(echoes.indexOf(text), 1);
      return;
    }
    render(sender, { text: text, title: message.title, quick_replies: message.quick_replies, buttons: message.buttons, attachment: message.attachment });
    if (sender !== "user" && !isOpen() && Date.now() > quietUntil) {
      badge.hidden = false;
      launcher.setAttribute("aria-label", T.openUnread);
    }
  }

  /* The history is the whole conversation up to session_confirm: it replaces what is on
     screen. Messages sent since then (written while offline) come after it. */
  function onHistory(answer) {
    var list = Array.isArray(answer) ? answer : (answer && (answer.messages || answer.history)) || [];
    replay = null;
    clearLog();
    list.forEach(function (entry) {
      var sender = entry.sender === "user" || entry.sender === "staff" ? entry.sender : "bot";
      render(sender, { text: entry.text || entry.message || "", title: entry.title, quick_replies: entry.quick_replies, buttons: entry.buttons, attachment: entry.attachment });
    });
    sentSinceConfirm.forEach(function (item) { log.append(item); });
    if (sentSinceConfirm.length) hideReplies();
    scrollDown();
  }

  function onDisconnect(reason) {
    confirmed = false;
    setStatus(T.offline);
    showTyping(false);
    setBusy(false);
    // socket.io retries by itself unless the server closed the session on purpose.
    if (reason === "io server disconnect") retryLater();
  }

  function onConnectError() {
    setStatus(T.offline);
    // A refusal by the server (not a network error) is not retried by socket.io itself.
    if (!socket.active) retryLater();
  }

  function retryLater() {
    clearTimeout(retryTimer);
    var wait = retryDelay * (0.75 + Math.random() / 2); // jitter: not every page at once
    retryDelay = Math.min(retryDelay * 2, 30000);
    retryTimer = setTimeout(function () { socket.connect(); }, wait);
  }

  function emitUtterance(text) {
    quietUntil = 0; // whatever comes now answers this, it is no replay
    echoes.push(text);
    setTimeout(function () {
      var at = echoes.indexOf(text);
      if (at >= 0) echoes.splice(at, 1);
    }, 5000);
    socket.emit("user_uttered", {
      message: text,
      session_id: token,
      customData: {
        language: navigator.language || "",
        page_language: document.documentElement.lang || "",
      },
    });
    showTyping(true);
  }

  /* `text` goes to the bot; `title` (a tapped choice) is what the customer sees. */
  function sendMessage(text, title) {
    text = text.slice(0, MAX_CHARS);
    if (!text.trim()) return;
    var online = confirmed && socket && socket.connected;
    var item = render("user", { text: text, title: title }, { queued: !online });
    if (online) {
      sentSinceConfirm.push(item);
      emitUtterance(text);
    }
    else {
      pending.push({ text: text, item: item });
      connect();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // Enter in the field submits the form: that is "send"
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    sendMessage(text, null);
    input.focus();
  });

  /* --- start ------------------------------------------------------------------------------ */

  window.techfriendsWebchat = { open: function () { openPanel(true); }, close: closePanel };
  if (stored("sessionStorage", storageKey + ":open")) openPanel(false);
  // A conversation under way: connect now, so news from the service arrive (with a badge).
  else if (token) connect();
})();
