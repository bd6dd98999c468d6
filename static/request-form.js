// Pickers (agencies, persons): the server renders the chosen items as ticked boxes and a filter
// sent through the form ("Tìm"); here each becomes an ARIA combobox with a listbox of matches
// (type to filter, arrows to move, Enter to choose, Escape to close) and chips of the chosen
// items (each with its remove button). The lists come once for the page (template#picker-data),
// shared by the pickers of one kind. A chosen item is a hidden input of the picker's name, so
// the form, the live check and a save send it as before.
(function () {
  "use strict";
  var data = document.getElementById("picker-data");
  var form = document.getElementById("request-form");
  if (!data || !form) {
    return;
  }
  var texts = data.dataset;
  var lists = JSON.parse(texts.lists);
  var SHOWN = 30;

  // Lower case without Vietnamese marks, as the server filters ("Hà Nội" → "ha noi").
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  var folded = {};
  Object.keys(lists).forEach(function (k) {
    folded[k] = lists[k].map(function (item) { return fold(item[1]); });
  });

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

  function enhance(box) {
    var name = box.dataset.name;
    var source = box.dataset.picker;
    var items = lists[source] || [];
    var keys = folded[source] || [];
    var input = box.querySelector(".picker-find input");
    var chips = box.querySelector(".chips");
    var labelOf = {};
    items.forEach(function (item) { labelOf[String(item[0])] = item[1]; });

    // The no-script parts go: the "Tìm" button, the matches, the ticked boxes (they become chips).
    var chosen = [];
    box.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) {
      if (b.checked) {
        chosen.push(b.value);
      }
    });
    box.querySelectorAll(".picker-find button, .picker-matches, .picker-find ~ .hint").forEach(function (n) {
      n.remove();
    });
    while (chips.firstChild) {
      chips.removeChild(chips.firstChild);
    }

    var listId = "f-" + name + "-list";
    var list = el("ul", "picker-list");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.querySelector("label").textContent);
    list.hidden = true;
    var more = el("p", "hint picker-more");
    more.hidden = true;
    more.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(more);
    input.removeAttribute("name");
    input.type = "text";
    input.value = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var shown = [];
    var active = -1;

    function changed(node) {
      node.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function isChosen(id) {
      return !!chips.querySelector('input[value="' + id + '"]');
    }

    function addChip(id) {
      var li = el("li", "chip");
      var hidden = el("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = id;
      li.appendChild(hidden);
      li.appendChild(el("span", null, labelOf[id] || id));
      var remove = el("button", "chip-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", texts.remove + ": " + (labelOf[id] || id));
      remove.addEventListener("click", function () {
        var next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        changed(input);
        (next ? next.querySelector("button") : input).focus();
      });
      li.appendChild(remove);
      chips.appendChild(li);
      return hidden;
    }

    chosen.forEach(addChip);

    function close() {
      list.hidden = true;
      more.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(i) {
      var options = list.children;
      if (active >= 0 && options[active]) {
        options[active].classList.remove("active");
      }
      active = i;
      if (i >= 0 && options[i]) {
        options[i].classList.add("active");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      shown = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!words.length) {
        close();
        return;
      }
      var count = 0;
      var taken = {};
      chips.querySelectorAll("input").forEach(function (h) { taken[h.value] = true; });
      for (var i = 0; i < items.length; i += 1) {
        var key = keys[i];
        var ok = true;
        for (var w = 0; w < words.length && ok; w += 1) {
          ok = key.indexOf(words[w]) !== -1;
        }
        if (!ok || taken[String(items[i][0])]) {
          continue;
        }
        count += 1;
        if (shown.length < SHOWN) {
          var li = el("li", "picker-option", items[i][1]);
          li.id = listId + "-" + items[i][0];
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.dataset.id = String(items[i][0]);
          list.appendChild(li);
          shown.push(String(items[i][0]));
        }
      }
      if (!count) {
        list.hidden = true;
        input.setAttribute("aria-expanded", "false");
        more.textContent = texts.none;
        more.hidden = false;
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      more.hidden = count <= SHOWN;
      more.textContent = texts.more + " " + (count - SHOWN);
    }

    function choose(id) {
      if (!id || isChosen(id)) {
        return;
      }
      changed(addChip(id));
      input.value = "";
      close();
      input.focus();
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          filter();
        }
        mark(Math.min(active + 1, shown.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Never a submit from here: Enter chooses the highlighted match, or the only one.
        event.preventDefault();
        if (open && active >= 0) {
          choose(shown[active]);
        } else if (open && shown.length === 1) {
          choose(shown[0]);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          more.hidden = true;
        }
      }
    });
    // A click chooses without taking the focus from the field.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("[role=option]");
      if (li) {
        choose(li.dataset.id);
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
    box.classList.add("enhanced");
  }

  document.querySelectorAll("[data-picker]").forEach(enhance);

  // On a phone the hints go beside the fields they concern (after the time and place), not
  // below the whole form; on a wide screen they stand in the column beside it.
  var side = document.querySelector(".form-side");
  var place = form.elements.location && form.elements.location.closest(".field");
  var home = side && side.parentNode;
  var narrow = window.matchMedia && window.matchMedia("(max-width: 48rem)");
  function arrange() {
    if (!side || !place) {
      return;
    }
    if (narrow.matches && side.parentNode !== form) {
      place.parentNode.insertBefore(side, place.nextSibling);
      side.classList.add("inline");
    } else if (!narrow.matches && side.parentNode !== home) {
      home.appendChild(side);
      side.classList.remove("inline");
    }
  }
  if (narrow) {
    arrange();
    narrow.addEventListener("change", arrange);
  }

  // After a refused save the summary at the top takes the focus (autofocus may have been
  // skipped when the page came from the back-forward cache).
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();

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
    params.delete("documents");
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
