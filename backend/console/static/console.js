// Plain JavaScript for the two live parts: deadline countdowns and new chat messages.
"use strict";

function formatLeft(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return (h ? h + " h " : "") + m + " min";
}

function tickCountdowns() {
  const now = Date.now();
  for (const el of document.querySelectorAll(".countdown[data-deadline]")) {
    const left = Date.parse(el.dataset.deadline) - now;
    if (Number.isNaN(left)) continue;
    el.textContent = left >= 0 ? formatLeft(left) : el.dataset.overdue + " " + formatLeft(left);
    el.classList.toggle("late", left < 0);
  }
}

function watchTranscript() {
  const page = document.getElementById("transcript-page");
  if (!page) return;
  const reply = document.getElementById("reply-text");
  setInterval(async () => {
    // Never reload while somebody is typing a reply.
    if (reply && reply.value.trim() !== "") return;
    try {
      const response = await fetch(page.dataset.latestUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      if (String(data.last_event_id) !== page.dataset.lastEvent) window.location.reload();
    } catch (error) { /* offline for a moment: try again on the next tick */ }
  }, 5000);
}

document.addEventListener("DOMContentLoaded", () => {
  tickCountdowns();
  setInterval(tickCountdowns, 30000);
  watchTranscript();
});
