// The deal board: a card moves to another stage by drag and drop, by its buttons, or with the
// arrow keys when focused. Every move is one htmx POST; the server answers with the columns it
// changed (swapped out of band) and a message, and refuses a move the rules forbid.
(function () {
  "use strict";
  var STAGES = ["preparation", "offer", "objections", "terms_agreed", "order", "won"];
  var focusAfter = null;

  function filters() {
    var form = document.getElementById("board-filters");
    var values = {};
    if (!form) { return values; }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name) { values[field.name] = field.value; }
    });
    return values;
  }

  function move(card, stage) {
    if (!card || !stage || stage === card.dataset.stage) { return; }
    var values = filters();
    values.stage = stage;
    values.from = "board";
    var reason = document.getElementById("lost-reason");
    if (reason) { values.lost_reason = reason.value; }
    focusAfter = card.dataset.deal;
    window.htmx.ajax("POST", card.dataset.move, { source: card, values: values, swap: "none" });
  }

  function stepped(card, step) {
    var at = STAGES.indexOf(card.dataset.stage);
    if (at < 0) { return null; }
    var to = at + step;
    return to >= 0 && to < STAGES.length ? STAGES[to] : null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".deal-card button");
    if (!button) { return; }
    var card = button.closest(".deal-card");
    if (button.dataset.to) { move(card, button.dataset.to); }
    else if (button.dataset.step) { move(card, stepped(card, parseInt(button.dataset.step, 10))); }
  });

  document.addEventListener("keydown", function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("deal-card")) { return; }
    if (event.key === "ArrowRight") { event.preventDefault(); move(card, stepped(card, 1)); }
    if (event.key === "ArrowLeft") { event.preventDefault(); move(card, stepped(card, -1)); }
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".deal-card[draggable=true]");
    if (!card) { return; }
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".deal-card");
    if (card) { card.classList.remove("dragging"); }
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column) { event.preventDefault(); column.classList.add("drop-here"); }
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("drop-here"); }
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board-column");
    if (!column) { return; }
    event.preventDefault();
    column.classList.remove("drop-here");
    var card = document.getElementById("deal-" + event.dataTransfer.getData("text/plain"));
    move(card, column.dataset.stage);
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (focusAfter === null) { return; }
    var card = document.getElementById("deal-" + focusAfter);
    focusAfter = null;
    if (card && card.tabIndex >= 0) { card.focus(); }
  });
}());
