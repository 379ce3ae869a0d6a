// The forecast grid opens on the months that can still change: its frame scrolls them in
// beside the client column, the months over (partly) out of the way. An editor opens beside
// the client column and below the months' header, never under them: the frame scrolls it clear.
//
// An editor that closes while a pointer is pressed leaves its column and row at its size until
// that click is over: the ✎ beside or below it stays where the press began, and is clicked.
//
// In a cell's editor the keys of a spreadsheet work: Enter saves the cell and opens the same
// month of the next client (Shift+Enter: the previous one); Tab in the amount saves and opens
// the next cell to the right, on to the next client's first month that can change (Shift+Tab:
// to the left); Escape puts back the figures the cell held before editing and closes it.
// Locked and read-only cells (those without ✎) are skipped. A cell is saved the way its Save
// button saves it, and the next one opens only once the save went through: a cell the server
// refuses (a wrong amount, someone else's change) stays open with its message.
(function () {
  "use strict";

  // The header's first cell, sticky both ways: its right edge is the client column's, its
  // bottom the months' header's.
  function corner(frame) {
    return frame.querySelector("thead th:first-child").getBoundingClientRect();
  }

  function openFirstEditableMonth() {
    var frame = document.querySelector(".forecast-frame");
    var month = frame && frame.querySelector("thead th[data-first-open]");
    if (!month) {
      return;
    }
    frame.scrollLeft += month.getBoundingClientRect().left - corner(frame).right;
  }

  // How far to scroll so that the span from `start` to `end` shows past the sticky edge
  // `clear` and, as far as it fits, before `limit`.
  function shiftInto(start, end, clear, limit) {
    if (start < clear) {
      return start - clear;
    }
    if (end > limit) {
      return Math.min(end - limit, start - clear);
    }
    return 0;
  }

  function scrollClear(cell) {
    var frame = cell.closest(".forecast-frame");
    if (!frame) {
      return;
    }
    var sticky = corner(frame);
    var inside = frame.getBoundingClientRect();
    var box = cell.getBoundingClientRect();
    var left = inside.left + frame.clientLeft;
    var top = inside.top + frame.clientTop;
    frame.scrollLeft += shiftInto(box.left, box.right, sticky.right, left + frame.clientWidth);
    frame.scrollTop += shiftInto(box.top, box.bottom, sticky.bottom, top + frame.clientHeight);
  }

  var pressed = false;
  // The header cells holding a closed editor's column and row at its size, till the click ends.
  var holding = [];

  function onPointerDown() {
    pressed = true;
  }

  function onPointerUp() {
    pressed = false;
  }

  // A press taken over by scrolling makes no click: nothing waits for one.
  function onPointerCancel() {
    pressed = false;
    release();
  }

  // The month's header keeps the column's width and the client's heading the row's height:
  // htmx puts back the attributes of the cell it swaps, not those of the cells around it.
  function onBeforeSwap(event) {
    var cell = event.detail.target;
    if (!pressed || !cell.matches || !cell.matches("td.forecast-cell.editing")) {
      return;
    }
    var box = cell.getBoundingClientRect();
    var month = cell.closest("table").tHead.rows[0].cells[cell.cellIndex];
    var heading = cell.parentElement.cells[0];
    month.style.minWidth = box.width + "px";
    heading.style.height = box.height + "px";
    holding.push(month, heading);
  }

  // Once the click is over (its handlers have run), the column and the row take their size.
  function onClick() {
    if (holding.length) {
      setTimeout(release, 0);
    }
  }

  function release() {
    holding.forEach(function (header) {
      header.style.minWidth = "";
      header.style.height = "";
    });
    holding = [];
  }

  // Where to go once the cell being saved (or closed) comes back: {from, to, focusOwn}.
  var pending = null;

  function rowsOf(table) {
    return Array.prototype.slice.call(table.tBodies[0].rows);
  }

  function cellsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll("td.forecast-cell"));
  }

  function editable(cell) {
    return cell.classList.contains("editing") || cell.querySelector("button[hx-get]") !== null;
  }

  // The editable cell the key leads to from `cell`, or null at the grid's edge.
  function neighbour(cell, key, backwards) {
    var table = cell.closest("table");
    var rows = rowsOf(table);
    var rowIndex = rows.indexOf(cell.parentElement);
    var column = cellsOf(rows[rowIndex]).indexOf(cell);
    var step = backwards ? -1 : 1;
    var r;
    if (key === "Enter") {
      for (r = rowIndex + step; r >= 0 && r < rows.length; r += step) {
        var below = cellsOf(rows[r])[column];
        if (below && editable(below)) {
          return below;
        }
      }
      return null;
    }
    var cells = [];
    rows.forEach(function (row) {
      cells = cells.concat(cellsOf(row));
    });
    for (var i = cells.indexOf(cell) + step; i >= 0 && i < cells.length; i += step) {
      if (editable(cells[i])) {
        return cells[i];
      }
    }
    return null;
  }

  function open(cell) {
    if (cell.classList.contains("editing")) {
      focusEditor(cell);
      return;
    }
    cell.querySelector("button[hx-get]").click();
  }

  function focusEditor(cell) {
    scrollClear(cell);
    var field = cell.querySelector("[name=amount]");
    if (field) {
      field.focus();
      field.select();
    }
  }

  function focusCell(cell) {
    var button = cell.querySelector("button[hx-get]");
    if (button) {
      button.focus();
    }
  }

  // Puts back what each field of the editor held when it opened.
  function restore(form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = option.defaultSelected;
        });
      } else if (field.type !== "hidden" && "defaultValue" in field) {
        field.value = field.defaultValue;
      }
    });
  }

  function onKeyDown(event) {
    var form = event.target.closest && event.target.closest(".forecast-grid form.cell-editor");
    if (!form || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var cell = form.closest("td");
    var key = event.key;
    var grid = key === "Enter" || (key === "Tab" && event.target.name === "amount");
    if (key === "Escape") {
      event.preventDefault();
      restore(form);
      pending = { from: cell.id, to: null, focusOwn: true };
      form.querySelector("button[hx-get]").click();
    } else if (grid && event.target.tagName !== "BUTTON") {
      event.preventDefault();
      var next = neighbour(cell, key, event.shiftKey);
      pending = { from: cell.id, to: next && next.id, focusOwn: !next };
      form.requestSubmit();
    }
  }

  // A cell swapped in by htmx: an editor takes the keyboard; a cell left goes on to the next.
  function onLoad(event) {
    var cell = event.target;
    if (!cell.matches || !cell.matches("td.forecast-cell")) {
      return;
    }
    if (cell.classList.contains("editing")) {
      // Opened by ✎ or by a key, or refused by the server: the amount is ready to type. The
      // editor opened last wins: a cell still closing behind it neither moves on nor takes
      // the focus back.
      pending = null;
      focusEditor(cell);
      return;
    }
    if (!pending || pending.from !== cell.id) {
      return;
    }
    var target = pending.to && document.getElementById(pending.to);
    var focusOwn = pending.focusOwn;
    pending = target ? { from: null, to: target.id, focusOwn: false } : null;
    if (target) {
      open(target);
    } else if (focusOwn) {
      focusCell(cell);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openFirstEditableMonth);
  } else {
    openFirstEditableMonth();
  }
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("htmx:beforeSwap", onBeforeSwap);
  document.addEventListener("htmx:load", onLoad);
  window.addEventListener("pointerdown", onPointerDown, true);
  window.addEventListener("pointerup", onPointerUp, true);
  window.addEventListener("pointercancel", onPointerCancel, true);
  window.addEventListener("click", onClick, true);
})();
