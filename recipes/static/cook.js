// Cook mode (templates/cooking/cook.html), made better with JavaScript. Without it every step is a
// page of its own (?step=N links); with it:
// - steps change in place: the buttons, the arrow keys and a swipe, the address following along;
// - the ingredients this step uses are marked, and each ingredient's check-off is kept in this
//   browser, per recipe; the end screen's "Add what's missing" leaves out the ones checked off,
//   and its "Cooked it" is for today where the browser is;
// - timers: every <button data-timer-seconds> in a step starts one. A timer is its END TIME, kept
//   in localStorage (not a countdown in memory), so it goes on across reloads, steps, recipes and
//   tabs; several run at once, each named after its step; the soonest shows in the page title
//   ("4:59 · Bake"); when one is up it beeps (WebAudio: no sound file) and, where allowed, says so
//   in a notification (permission is asked when the first timer starts, never on load);
// - the screen is kept on (Screen Wake Lock), taken again when the tab comes back, with a note
//   where the browser cannot.
(function () {
  "use strict";
  const root = document.querySelector("[data-cook]");
  if (!root) return;

  const recipeId = root.dataset.recipe;
  const recipeTitle = root.dataset.recipeTitle;
  const stepCount = Number(root.dataset.stepCount);
  const endStep = stepCount + 1;
  const recipeUrl = root.dataset.recipeUrl;
  const baseTitle = document.title;
  const TIMERS_KEY = "recipes:cook:timers";
  const CHECKED_KEY = "recipes:cook:checked:" + recipeId;
  const RING_FOR_MS = 60 * 1000;

  const sections = new Map();
  for (const section of root.querySelectorAll("[data-step]")) sections.set(Number(section.dataset.step), section);
  let current = Number(root.dataset.current) || 1;
  const prev = root.querySelector('[data-go="-1"]');
  const next = root.querySelector('[data-go="1"]');
  const progress = root.querySelector("[data-progress]");
  const announcer = root.querySelector("[data-announce]");

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  // ---- storage (a browser may refuse it: private windows, full disks) -------------------------
  function load(key, fallback) {
    try {
      const value = JSON.parse(window.localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Kept for this page only.
    }
  }

  // ---- steps ------------------------------------------------------------------------------------
  function stepValue(number) {
    return number >= endStep ? "done" : String(number);
  }

  function stepUrl(number) {
    const url = new URL(window.location.href);
    url.searchParams.set("step", stepValue(number));
    url.hash = "";
    return url.pathname + url.search;
  }

  function setLink(link, href, label) {
    link.href = href;
    const text = link.querySelector("[data-label]");
    if (text) text.textContent = label;
  }

  function showNav() {
    if (prev) setLink(prev, current > 1 ? stepUrl(current - 1) : recipeUrl, current > 1 ? "Back" : "Recipe");
    if (next) {
      const label = current + 1 === endStep ? "Finish" : current < endStep ? "Next" : "Recipe";
      setLink(next, current < endStep ? stepUrl(current + 1) : recipeUrl, label);
    }
    if (progress) progress.value = Math.min(current, Math.max(stepCount, 1));
  }

  function go(number) {
    const target = Math.min(Math.max(number, 1), endStep);
    if (target === current || !sections.has(target)) return;
    sections.get(current).hidden = true;
    const section = sections.get(target);
    section.hidden = false;
    current = target;
    root.dataset.current = String(current);
    history.replaceState(history.state, "", stepUrl(current));
    showNav();
    markIngredients();
    window.scrollTo(0, 0);
    const heading = section.querySelector("h2");
    if (heading) heading.focus({ preventScroll: true });
  }

  function goesToStep(link, direction) {
    return direction < 0 ? current > 1 : current < endStep;
  }

  for (const link of [prev, next]) {
    if (!link) continue;
    const direction = Number(link.dataset.go);
    link.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      if (!goesToStep(link, direction)) return; // to the recipe page: a real link
      event.preventDefault();
      go(current + direction);
    });
  }

  function typing(target) {
    return target instanceof Element && (target.closest("input, textarea, select, [contenteditable]") !== null);
  }

  const drawer = root.querySelector("[data-ingredients]");

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer && drawer.open) {
      drawer.open = false; // the ingredients close as a dialog would
      drawer.querySelector("summary").focus();
      return;
    }
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "ArrowRight") {
      go(current + 1);
      event.preventDefault();
    } else if (event.key === "ArrowLeft") {
      go(current - 1);
      event.preventDefault();
    }
  });

  // A swipe: a mostly sideways move of a finger across the step.
  const steps = root.querySelector("[data-steps]");
  let touch = null;
  if (steps) {
    steps.addEventListener("touchstart", (event) => {
      touch = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
    }, { passive: true });
    steps.addEventListener("touchend", (event) => {
      if (!touch || event.changedTouches.length !== 1) return;
      const dx = event.changedTouches[0].clientX - touch.x;
      const dy = event.changedTouches[0].clientY - touch.y;
      touch = null;
      if (Math.abs(dx) >= 50 && Math.abs(dx) > 1.5 * Math.abs(dy)) go(current + (dx < 0 ? 1 : -1));
    }, { passive: true });
  }

  // ---- ingredients: this step's marked, check-offs kept -----------------------------------------
  const lines = Array.from(root.querySelectorAll("[data-line]"));
  const boxes = Array.from(root.querySelectorAll("[data-check]"));

  function markIngredients() {
    for (const line of lines) {
      const used = (line.dataset.steps || "").split(" ").includes(String(current));
      line.classList.toggle("in-step", used);
    }
  }

  // The end screen's "Add what's missing" ticks every line (so it works without JavaScript): here
  // a line checked off is unticked there, and ticked again when it is put back (`line`: only that
  // one, so what the cook changed in that form by hand stays).
  const missing = Array.from(root.querySelectorAll("[data-missing-line]"));

  function showUnchecked(line) {
    for (const box of missing) {
      if (line === undefined || box.value === line) box.checked = !checked.has(box.value);
    }
  }

  const checked = new Set(load(CHECKED_KEY, []).map(String));
  for (const box of boxes) {
    box.checked = checked.has(box.dataset.check);
    box.addEventListener("change", () => {
      if (box.checked) checked.add(box.dataset.check);
      else checked.delete(box.dataset.check);
      save(CHECKED_KEY, Array.from(checked));
      showUnchecked(box.dataset.check);
    });
  }
  showUnchecked();

  // "Cooked it" logs today where the kitchen is (the page was made with the server's today).
  for (const field of root.querySelectorAll("input[data-today]")) {
    const now = new Date();
    field.value = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  // ---- sound -------------------------------------------------------------------------------------
  // Browsers let a page make sound only after a tap or a key: the audio is opened on one.
  let audio = null;
  let lastBeep = 0;

  function openAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  }

  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, openAudio, { capture: true });

  function beep() {
    if (!audio || audio.state !== "running" || Date.now() - lastBeep < 1900) return;
    lastBeep = Date.now();
    const start = audio.currentTime + 0.02;
    for (let i = 0; i < 3; i += 1) {
      const at = start + i * 0.25;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = "square";
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.18);
    }
  }

  // ---- notifications -------------------------------------------------------------------------------
  function askToNotify() {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    try {
      const asked = Notification.requestPermission();
      if (asked && asked.catch) asked.catch(() => {});
    } catch (error) {
      // An old browser's callback form: nothing to wait for.
    }
  }

  function notify(timer) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const title = timer.name + ": time is up";
    const options = { body: timer.label + " · " + timer.recipeTitle, tag: "recipes-timer-" + timer.key };
    const direct = () => {
      try {
        new Notification(title, options); // eslint-disable-line no-new
      } catch (error) {
        // Android's browsers show notifications through a service worker only.
      }
    };
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready.then((registration) => registration.showNotification(title, options)).catch(direct);
    } else {
      direct();
    }
  }

  // ---- timers ------------------------------------------------------------------------------------
  const tray = root.querySelector("[data-timer-tray]");
  const list = root.querySelector("[data-timer-list]");
  const rows = new Map();
  let shape = "";

  function timers() {
    const found = load(TIMERS_KEY, []);
    return Array.isArray(found) ? found.filter((t) => t && typeof t.key === "string" && Number.isFinite(t.ends)) : [];
  }

  function clock(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + seconds : minutes + ":" + seconds;
  }

  function change(key, update) {
    const all = timers();
    const index = all.findIndex((t) => t.key === key);
    if (index < 0) return;
    const changed = update(all[index]);
    if (changed) all[index] = changed;
    else all.splice(index, 1);
    save(TIMERS_KEY, all);
    refresh();
  }

  function start(button) {
    openAudio();
    askToNotify();
    const key = recipeId + ":" + button.dataset.timerKey;
    const seconds = Number(button.dataset.timerSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    const all = timers();
    const running = all.find((t) => t.key === key);
    if (running && running.ends > Date.now()) {
      announce(running.name + ": " + clock(running.ends - Date.now()) + " left");
      return;
    }
    const timer = {
      key: key,
      name: button.dataset.timerName || "Timer",
      label: button.dataset.timerLabel || "",
      step: current,
      recipe: recipeId,
      recipeTitle: recipeTitle,
      href: stepUrl(current),
      seconds: seconds,
      ends: Date.now() + seconds * 1000,
      rung: false,
    };
    save(TIMERS_KEY, all.filter((t) => t.key !== key).concat([timer]));
    announce(timer.name + ": timer started, " + timer.label);
    refresh();
  }

  root.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-timer-seconds]") : null;
    if (button) start(button);
  });

  function row(timer) {
    const item = document.createElement("li");
    item.dataset.timer = timer.key;
    const name = document.createElement(timer.recipe === recipeId ? "span" : "a");
    name.className = "cook-timer-name";
    const where = timer.recipe === recipeId ? "step " + timer.step : timer.recipeTitle;
    const called = document.createElement("strong");
    called.textContent = timer.name;
    const detail = document.createElement("small");
    detail.textContent = timer.label + " · " + where;
    name.append(called, " ", detail);
    if (timer.recipe !== recipeId && typeof timer.href === "string" && /^\/[^/\\]/.test(timer.href)) name.href = timer.href;
    const left = document.createElement("span");
    left.className = "cook-timer-left";
    left.setAttribute("role", "timer");
    left.setAttribute("aria-label", timer.name + " time left");
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = "+1 min";
    more.dataset.more = "";
    more.setAttribute("aria-label", "One minute more for " + timer.name);
    more.addEventListener("click", () => change(timer.key, (t) => {
      const now = Date.now();
      return Object.assign(t, { ends: Math.max(t.ends, now) + 60 * 1000, rung: false, doneAt: undefined });
    }));
    const stop = document.createElement("button");
    stop.type = "button";
    stop.dataset.stop = "";
    stop.addEventListener("click", () => change(timer.key, () => null));
    item.append(name, left, more, stop);
    return { item, left, stop };
  }

  function refresh() {
    const all = timers();
    const now = Date.now();
    const key = all.map((t) => t.key + (t.ends <= now ? "!" : "")).join("|");
    if (key !== shape) {
      shape = key;
      const focused = document.activeElement;
      const keep = focused && focused.closest ? focused.closest("[data-timer]") : null;
      for (const [timerKey, parts] of rows) {
        if (!all.some((t) => t.key === timerKey)) {
          parts.item.remove();
          rows.delete(timerKey);
        }
      }
      for (const timer of all) {
        let parts = rows.get(timer.key);
        if (!parts) {
          parts = row(timer);
          rows.set(timer.key, parts);
        }
        list.append(parts.item); // in order of starting
      }
      if (keep && !document.body.contains(keep) && next) next.focus();
    }
    tray.hidden = all.length === 0;
    tick(all);
  }

  function tick(all) {
    const now = Date.now();
    let soonest = null;
    let ringing = null;
    let changed = false;
    for (const timer of all) {
      const parts = rows.get(timer.key);
      const done = timer.ends <= now;
      if (parts) {
        parts.left.textContent = done ? "Done" : clock(timer.ends - now);
        parts.item.classList.toggle("is-done", done);
        parts.stop.textContent = done ? "Dismiss" : "Stop";
        parts.stop.setAttribute("aria-label", (done ? "Dismiss " : "Stop ") + timer.name);
      }
      if (done) {
        if (!timer.rung) {
          timer.rung = true; // this tab rings it; the others see it rung
          timer.doneAt = now;
          changed = true;
          notify(timer);
          announce(timer.name + ": time is up");
        }
        if (now - (timer.doneAt || timer.ends) < RING_FOR_MS) ringing = ringing || timer;
      } else if (!soonest || timer.ends < soonest.ends) {
        soonest = timer;
      }
    }
    if (changed) save(TIMERS_KEY, all);
    for (const button of root.querySelectorAll("button[data-timer-seconds]")) {
      const key = recipeId + ":" + button.dataset.timerKey;
      button.classList.toggle("is-running", all.some((t) => t.key === key && t.ends > now));
    }
    if (ringing) {
      document.title = "Done · " + ringing.name + " · " + baseTitle;
      beep();
    } else if (soonest) {
      document.title = clock(soonest.ends - now) + " · " + soonest.name + " · " + baseTitle;
    } else {
      document.title = baseTitle;
    }
  }

  window.addEventListener("storage", (event) => {
    if (event.key === TIMERS_KEY || event.key === null) refresh();
  });
  window.addEventListener("pageshow", refresh);
  window.setInterval(refresh, 1000);

  // ---- the screen stays on -----------------------------------------------------------------------
  const note = root.querySelector("[data-wake-note]");
  let lock = null;

  function say(text) {
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
  }

  function keepAwake() {
    if (!("wakeLock" in navigator)) {
      root.dataset.wake = "unsupported";
      say(window.isSecureContext
        ? "This browser cannot keep the screen on: it may turn off while you cook."
        : "The screen may turn off while you cook: keeping it on needs the app served over HTTPS.");
      return;
    }
    if (document.visibilityState !== "visible" || lock) return;
    navigator.wakeLock.request("screen").then((sentinel) => {
      lock = sentinel;
      root.dataset.wake = "on";
      say("");
      sentinel.addEventListener("release", () => {
        lock = null;
        root.dataset.wake = "off";
      });
    }).catch(() => {
      root.dataset.wake = "refused";
      say("The screen may turn off: this browser did not let the page keep it on (battery saver?).");
    });
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") keepAwake();
  });

  showNav();
  markIngredients();
  // A copy the service worker kept (recipes/offline/service-worker.js) may have been made at
  // another step than the one the address asks for (a reload offline): the address wins.
  const asked = new URLSearchParams(window.location.search).get("step");
  const wanted = asked === "done" ? endStep : Number(asked);
  if (asked && Number.isInteger(wanted) && wanted !== current) go(wanted);
  refresh();
  keepAwake();
})();
