// Times in the viewer's own time zone. The server writes each time (the `utc_time` filter) as
// <time datetime="...Z" data-local="relative|datetime">2026-11-21 21:41 UTC</time>, which is
// what a browser without JavaScript shows. Here "relative" becomes "3 hours ago" or "in 7 days"
// (the local date and time in its tooltip) and "datetime" the local date and time.
"use strict";
(() => {
  const lang = document.documentElement.lang || "en";
  const preferred = navigator.language || lang;
  // The page's language for the words, the viewer's own variant of it for the formats.
  const locale = preferred.split("-")[0] === lang ? preferred : lang;
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const MINUTE = 60, HOUR = 3600, DAY = 86400;
  // Each unit is used up to the limit (in seconds) where the next one reads better.
  const UNITS = [
    ["minute", MINUTE, 45 * MINUTE],
    ["hour", HOUR, 22 * HOUR],
    ["day", DAY, 46 * DAY],
    ["month", 30.44 * DAY, 320 * DAY],
    ["year", 365.25 * DAY, Infinity],
  ];

  function relativeText(seconds) {
    const size = Math.abs(seconds);
    if (size < 45) return seconds < 0 ? "just now" : "in a moment";
    for (const [unit, length, limit] of UNITS) {
      if (size < limit) return relative.format(Math.round(seconds / length), unit);
    }
    return "";
  }

  function show() {
    const now = Date.now();
    for (const element of document.querySelectorAll("time[data-local][datetime]")) {
      const moment = new Date(element.getAttribute("datetime"));
      if (Number.isNaN(moment.getTime())) continue;
      const local = dateTime.format(moment);
      if (element.dataset.local === "datetime") {
        element.textContent = local;
      } else {
        element.textContent = relativeText((moment.getTime() - now) / 1000);
        element.title = local;
      }
    }
  }

  show();
  setInterval(show, 60 * 1000); // "just now" does not stay true
})();
