/* The top bar's menu: on a phone the menu button shows and hides the links; on a wide screen a
   group of links ("Deals", the user's own links under the name) opens under its label and
   closes on a click elsewhere or on Escape.
   A static file, so the page keeps its strict Content-Security-Policy. */
(function () {
  "use strict";

  function closeGroups(except) {
    document.querySelectorAll(".topbar details[open]").forEach(function (group) {
      if (group !== except) {
        group.open = false;
      }
    });
  }

  function setUp() {
    var topbar = document.querySelector(".topbar");
    var button = topbar && topbar.querySelector(".menu-button");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var open = topbar.classList.toggle("menu-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("click", function (event) {
      closeGroups(event.target.closest ? event.target.closest(".topbar details") : null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var open = topbar.querySelector("details[open]");
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
      } else if (topbar.classList.contains("menu-open")) {
        topbar.classList.remove("menu-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
