// The request form's live help (progressive: the form works without it, through its buttons
// "Kiểm tra trùng lịch" and "Tìm giờ trống").
// - Conflict hints: when the time, room, chair, attendees, attendance or equipment change, the
//   form is sent (debounced) to /dang-ky/kiem-tra, which runs the same check as the API, and the
//   answer is shown in the aria-live region beside the form.
// - Find a time: the button asks /dang-ky/tim-gio and lists the free slots; choosing one fills
//   the day, times and room in place.
// Texts come translated from the server (the page's <template id="hint-texts"> and the answers).
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var hintsBox = document.getElementById("conflict-hints");
  var slotsBox = document.getElementById("free-slots");
  var texts = document.getElementById("hint-texts").dataset;
  // What changes the conflicts: the time, place and people, and the recurrence (a series is
  // checked occurrence by occurrence).
  var WATCHED = ["day", "start", "end", "room_id", "chair_id", "agencies", "agencies_optional",
    "persons", "persons_optional", "expected_attendance", "equipment",
    "repeat", "interval", "byday", "count", "until", "exdates"];
  var DELAY = 400;
  var timer = null;
  var asked = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function value(name) {
    var f = form.elements[name];
    return f ? f.value : "";
  }

  function body() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("step");
    return params;
  }

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"
      },
      body: body().toString()
    }).then(function (res) {
      return res.json().then(function (data) {
        return { ok: res.ok, data: data };
      });
    });
  }

  // A refusal names its field: mark it, so that the clerk sees where.
  function refusal(box, data) {
    var p = el("p", "hint-summary error", texts.failed + ": " + (data.message || ""));
    box.appendChild(p);
  }

  function showHints(h) {
    clear(hintsBox);
    var summary = el("p", "hint-summary", h.summary);
    if (h.errors) {
      // What blocks approval: offer find a time right there.
      var link = el("a", null, texts.find);
      link.href = "#find-time";
      summary.appendChild(document.createTextNode(" "));
      summary.appendChild(link);
    }
    hintsBox.appendChild(summary);
    if (!h.conflicts.length) {
      return;
    }
    var list = el("ul", "conflicts");
    h.conflicts.forEach(function (c) {
      var li = el("li", "conflict conflict-" + c.severity);
      li.appendChild(el("strong", null, c.label + ":"));
      // The message names the other meeting (or "Bận") once.
      li.appendChild(document.createTextNode(" " + c.message));
      list.appendChild(li);
    });
    hintsBox.appendChild(list);
  }

  function check() {
    if (!value("day") || !value("start") || !value("end")) {
      return;
    }
    var mine = ++asked;
    hintsBox.setAttribute("aria-busy", "true");
    post(form.dataset.check).then(function (answer) {
      if (mine !== asked) {
        return; // a newer check is under way
      }
      hintsBox.removeAttribute("aria-busy");
      if (answer.ok) {
        showHints(answer.data);
      } else {
        clear(hintsBox);
        refusal(hintsBox, answer.data);
      }
    }).catch(function () {
      hintsBox.removeAttribute("aria-busy");
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY);
  }

  function watched(event) {
    var name = event.target && event.target.name;
    if (name && WATCHED.indexOf(name) !== -1) {
      later();
    }
  }

  form.addEventListener("input", watched);
  form.addEventListener("change", watched);

  function pick(day, start, end, room) {
    form.elements.day.value = day;
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.elements.room_id.value = room;
    var note = slotsBox.querySelector(".picked");
    if (!note) {
      note = el("p", "picked notice");
      slotsBox.insertBefore(note, slotsBox.firstChild);
    }
    note.textContent = texts.picked + " " + day.split("-").reverse().join("/") + ", " + start + "–" + end;
    window.clearTimeout(timer);
    check();
    form.elements.room_id.focus();
  }

  // Slots rendered by the server (no-script links) and by this script share one handler.
  slotsBox.addEventListener("click", function (event) {
    var a = event.target.closest("[data-room]");
    if (!a) {
      return;
    }
    event.preventDefault();
    pick(a.dataset.day, a.dataset.start, a.dataset.end, a.dataset.room);
  });

  function showSlots(s) {
    clear(slotsBox);
    slotsBox.appendChild(el("h3", null, texts.slotsTitle));
    slotsBox.appendChild(el("p", "hint-summary", s.summary));
    var list = el("ul", "slots");
    s.slots.forEach(function (slot) {
      var li = el("li", slot.late ? "slot late" : "slot");
      li.appendChild(el("span", "slot-when", slot.label + ", " + slot.start + "–" + slot.end));
      if (slot.note) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", "label", slot.note)); }
      var rooms = el("ul", "slot-rooms");
      slot.rooms.forEach(function (r) {
        var b = el("button", "slot-pick secondary",
          texts.pick + ": " + r.name + " (" + r.capacity + " " + texts.seats + ")");
        b.type = "button";
        b.dataset.day = slot.day;
        b.dataset.start = slot.start;
        b.dataset.end = slot.end;
        b.dataset.room = String(r.id);
        var item = el("li");
        item.appendChild(b);
        rooms.appendChild(item);
      });
      li.appendChild(rooms);
      list.appendChild(li);
    });
    slotsBox.appendChild(list);
  }

  document.getElementById("find-button").addEventListener("click", function (event) {
    event.preventDefault();
    clear(slotsBox);
    slotsBox.appendChild(el("p", "hint-summary", texts.checking));
    post(form.dataset.find).then(function (answer) {
      if (answer.ok) {
        showSlots(answer.data);
      } else {
        clear(slotsBox);
        refusal(slotsBox, answer.data);
      }
    }).catch(function () {
      clear(slotsBox);
    });
  });

  // The check button still works (a full round trip); with the script the hints are live, so
  // a form opened with a time (an edit, a chosen slot) is checked at once, unless the server
  // already refused it (its message stands beside the field; saying it twice helps no one).
  if (!form.querySelector(".has-error, .error")) {
    check();
  }
})();
