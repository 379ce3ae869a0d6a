// The forecast grid opens on the months that can still change: its frame scrolls them in
// beside the client column, the months over (partly) out of the way.
(function () {
  "use strict";

  function openFirstEditableMonth() {
    var frame = document.querySelector(".forecast-frame");
    var month = frame && frame.querySelector("thead th[data-first-open]");
    if (!month) {
      return;
    }
    var clientColumn = frame.querySelector("thead th:first-child");
    frame.scrollLeft = Math.max(0, month.offsetLeft - (clientColumn ? clientColumn.offsetWidth : 0));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openFirstEditableMonth);
  } else {
    openFirstEditableMonth();
  }
})();
