/* The stores list reloads itself every 30 s (same filters: they are in the URL), unless
   someone is typing in the filters or the tab is hidden. */
(function () {
  "use strict";
  const EVERY_MS = 30000;
  setInterval(() => {
    const typing = document.activeElement && document.activeElement.closest("form");
    if (!typing && document.visibilityState === "visible") window.location.reload();
  }, EVERY_MS);
})();
