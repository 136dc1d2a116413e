/* A page that follows something live (the stores list, a running rollout) reloads itself every
   data-seconds seconds — the same URL, so filters stay — unless someone is filling in a form
   or the tab is hidden. */
(function () {
  "use strict";
  const seconds = Number(document.currentScript.dataset.seconds) || 30;
  setInterval(() => {
    const typing = document.activeElement && document.activeElement.closest("form");
    if (!typing && document.visibilityState === "visible") window.location.reload();
  }, seconds * 1000);
})();
