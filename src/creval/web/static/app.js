// creval serve: the two things a page cannot do by itself. No framework, no build step.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The trainer's page: fetch the live panel (server-rendered, escaped HTML) every 2 s.
  const panel = document.querySelector("[data-poll]");
  if (panel) {
    setInterval(async () => {
      try {
        const response = await fetch(panel.dataset.poll, {credentials: "same-origin"});
        if (response.ok) {
          const html = await response.text();
          if (html !== panel.dataset.last) { panel.innerHTML = html; panel.dataset.last = html; }
        }
      } catch (e) { /* the server is restarting: try again next time */ }
    }, 2000);
  }
  // A trainee's page: reload when the trainer reveals a question (only the list of revealed ids is fetched).
  const play = document.querySelector("[data-revealed-poll]");
  if (play) {
    setInterval(async () => {
      try {
        const response = await fetch(play.dataset.revealedPoll, {credentials: "same-origin"});
        if (!response.ok) return;
        const state = await response.json();
        if (state.revealed.join(" ") !== play.dataset.revealed) location.reload();
      } catch (e) { /* try again next time */ }
    }, 2000);
  }
});
