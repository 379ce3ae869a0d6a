/* The client card: when the status section answers a change (an override set or lifted), the
   badge under the client's name asks for itself again, so the card never shows two statuses,
   and so does the Responsible panel (a status routes the client to whoever serves it now).
   The status section belongs to the audit; it swaps itself, and this tells the badge.
   A static file, so the page keeps its strict Content-Security-Policy. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var detail = event.detail || {};
    var config = detail.requestConfig || {};
    var target = detail.target;
    if (config.verb === "post" && target && target.id === "client-status" && window.htmx) {
      window.htmx.trigger(document.body, "client-status-changed");
    }
  });
})();
