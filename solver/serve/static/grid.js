/* salle serve: the grid (a day per tab, rooms across, time down), the cards, filters, drag and drop. */
"use strict";

(function () {
  var dragging = null;   // the session being dragged
  var blocked = {};      // "room|slot" -> rules it would break (for the dragged session, on the shown day)
  var filtersFilled = false;

  function badSessions() {
    var bad = {};
    (Desk.state.hard || []).forEach(function (v) { v.sessions.forEach(function (s) { bad[s] = true; }); });
    return bad;
  }

  function matches(session) {
    var track = document.getElementById("f-track").value, who = document.getElementById("f-speaker").value;
    var text = document.getElementById("f-text").value.trim().toLowerCase();
    if (track && session.track !== track) { return false; }
    if (who && session.speakers.indexOf(who) < 0) { return false; }
    if (text && (session.title + " " + session.id + " " + session.speakers.join(" ")).toLowerCase().indexOf(text) < 0) {
      return false;
    }
    return true;
  }

  function card(session, place, bad) {
    var pinned = Desk.state.pinned.indexOf(session.id) >= 0, frozen = Desk.state.frozen.indexOf(session.id) >= 0;
    var colour = session.track && Desk.conf.colours[session.track] !== undefined ?
      " track-" + Desk.conf.colours[session.track] : "";
    var c = Desk.el("article", {"class": "card" + colour + (bad[session.id] ? " bad" : "") + (frozen ? " frozen" : "") +
      (matches(session) ? "" : " dim"), draggable: "true", tabindex: "0", "data-session": session.id,
      "aria-label": Desk.t("card_label", {title: session.title, where: Desk.where(place)})});
    var head = Desk.el("div", {"class": "head"});
    var pin = Desk.el("button", {type: "button", "class": "pin", "aria-pressed": pinned ? "true" : "false",
      title: pinned ? Desk.t("pinned_title") : Desk.t("pin_title")}, pinned ? Desk.t("pinned_short") : Desk.t("pin_short"));
    pin.addEventListener("click", function (e) { e.stopPropagation(); togglePin(session.id); });
    head.appendChild(Desk.el("span", {"class": "sid"}, session.id));
    head.appendChild(pin);
    c.appendChild(head);
    c.appendChild(Desk.el("strong", {"class": "title"}, session.title));
    if (session.speakers.length) { c.appendChild(Desk.el("span", {"class": "who"}, session.speakers.join(", "))); }
    var room = place ? Desk.room[place[0]] : null;
    c.appendChild(Desk.el("span", {"class": "meta"}, (session.track ? session.track + " · " : "") +
      (session.estimated ? "≈ " : "") +
      (room ? session.attendance + " / " + Desk.t("seats", {n: room.capacity}) : Desk.t("expected", {n: session.attendance}))));
    if (session.estimated) { c.title = Desk.t("estimated_title"); }
    c.addEventListener("dragstart", function (e) { startDrag(e, session.id); });
    c.addEventListener("dragend", endDrag);
    c.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); Desk.openDialog(session.id); }
      if (e.key === "p" || e.key === "P") { e.preventDefault(); togglePin(session.id); }
    });
    c.addEventListener("dblclick", function () { Desk.openDialog(session.id); });
    return c;
  }

  function togglePin(id) {
    var pinned = Desk.state.pinned.indexOf(id) >= 0;
    Desk.api("POST", "api/pin", {session: id, pinned: !pinned}).then(function () {
      Desk.say(Desk.t(pinned ? "unpinned_now" : "pinned_now", {id: id}));
      var again = document.querySelector('.card[data-session="' + CSS.escape(id) + '"] .pin');
      if (again) { again.focus(); }
    }).catch(Desk.fail);
  }

  function dayTimes(day) {
    var times = {};
    Desk.conf.slots.forEach(function (s) { if (s.day === day) { times[s.start] = true; times[s.end] = true; } });
    return Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
  }

  function hhmm(m) { return Math.floor(m / 60) + ":" + String(m % 60).padStart(2, "0"); }

  Desk.renderGrid = function () {
    if (!Desk.state) { return; }
    var grid = document.getElementById("grid"), day = Desk.day, bad = badSessions();
    var roomFilter = document.getElementById("f-room").value;
    var rooms = Desk.conf.rooms.filter(function (r) { return !roomFilter || r.id === roomFilter; });
    var times = dayTimes(day), row = {};
    times.forEach(function (t, i) { row[t] = i + 2; });
    grid.textContent = "";
    grid.style.gridTemplateColumns = "4.5em repeat(" + rooms.length + ", 12em)";
    grid.style.gridTemplateRows = "auto repeat(" + Math.max(1, times.length - 1) + ", minmax(1.6em, auto))";
    var closed = (Desk.conf.closed || {})[day] || [];
    rooms.forEach(function (r, i) {
      var shut = closed.indexOf(r.id) >= 0;
      var h = Desk.el("div", {"class": "room-head" + (shut ? " closed" : ""), "data-room": r.id}, r.name);
      h.appendChild(Desk.el("small", {}, " " + Desk.t("seats", {n: r.capacity})));
      if (shut) { h.title = Desk.t("closed"); h.appendChild(Desk.el("small", {"class": "shut"}, " · " + Desk.t("closed_short"))); }
      h.style.gridColumn = String(i + 2);
      grid.appendChild(h);
    });
    var starts = times.filter(function (t) {
      return Desk.conf.slots.some(function (s) { return s.day === day && s.start === t; });
    });
    starts.forEach(function (t, k) {
      var stop = k + 1 < starts.length ? starts[k + 1] : Math.max.apply(null, Desk.conf.slots
        .filter(function (s) { return s.day === day && s.start === t; }).map(function (s) { return s.end; }));
      var label = Desk.el("div", {"class": "time"}, hhmm(t));
      label.style.gridRow = row[t] + " / " + row[stop];
      grid.appendChild(label);
      rooms.forEach(function (r, i) {
        var cell = Desk.el("div", {"class": "cell", "data-room": r.id, "data-start": String(t)});
        cell.style.gridColumn = String(i + 2);
        cell.style.gridRow = row[t] + " / " + row[stop];
        if (closed.indexOf(r.id) >= 0) {  /* closed all day (unavailability.csv): nothing can be dropped here */
          cell.classList.add("closed");
          cell.title = Desk.t("closed");
          cell.setAttribute("aria-disabled", "true");
          grid.appendChild(cell);
          return;
        }
        cell.addEventListener("dragover", function (e) { e.preventDefault(); cell.classList.add("over"); });
        cell.addEventListener("dragleave", function () { cell.classList.remove("over"); });
        cell.addEventListener("drop", function (e) { e.preventDefault(); dropOn(e, r.id, t); });
        grid.appendChild(cell);
      });
    });
    var column = {};
    rooms.forEach(function (r, i) { column[r.id] = i + 2; });
    var stacked = {};
    var loose = document.getElementById("unscheduled-cards");
    loose.textContent = "";
    Desk.conf.sessions.forEach(function (s) {
      var place = Desk.state.places[s.id];
      if (!place) { loose.appendChild(card(s, null, bad)); return; }
      var first = Desk.slot[place[1]];
      if (first.day !== day || !column[place[0]]) { return; }
      var last = first, n = s.length, same = Desk.conf.slots.filter(function (x) { return x.day === day; });
      var i = same.indexOf(first);
      if (n > 1 && i >= 0 && i + n - 1 < same.length) { last = same[i + n - 1]; }
      var c = card(s, place, bad), here = place[0] + "|" + first.start;
      stacked[here] = (stacked[here] || 0) + 1;
      if (stacked[here] > 1) {  // two sessions in one room at once (a conflict): keep both in sight
        c.style.marginLeft = c.style.marginTop = (stacked[here] - 1) * 1.2 + "em";
        c.style.zIndex = String(stacked[here]);
      }
      c.style.gridColumn = String(column[place[0]]);
      c.style.gridRow = row[first.start] + " / " + row[last.end];
      grid.appendChild(c);
    });
    if (dragging) { markBlocked(); }
  };

  function renderDays() {
    var nav = document.getElementById("days");
    nav.textContent = "";
    Desk.conf.days.forEach(function (d) {
      var b = Desk.el("button", {type: "button", role: "tab", "aria-selected": d === Desk.day ? "true" : "false",
        "data-day": d}, Desk.dayLabel(d));
      b.addEventListener("click", function () { Desk.day = d; renderDays(); Desk.renderGrid(); });
      b.addEventListener("dragover", function (e) { e.preventDefault(); });
      b.addEventListener("dragenter", function () {
        if (dragging && Desk.day !== d) { Desk.day = d; renderDays(); Desk.renderGrid(); fetchBlocked(dragging); }
      });
      nav.appendChild(b);
    });
  }

  function fillFilters() {
    var tracks = {}, speakers = {};
    Desk.conf.sessions.forEach(function (s) {
      if (s.track) { tracks[s.track] = true; }
      s.speakers.forEach(function (p) { speakers[p] = true; });
    });
    function fill(id, values, label) {
      var select = document.getElementById(id);
      values.forEach(function (v) { select.appendChild(Desk.el("option", {value: v}, label ? label(v) : v)); });
      select.addEventListener("change", Desk.renderGrid);
    }
    fill("f-track", Object.keys(tracks).sort());
    fill("f-speaker", Object.keys(speakers).sort());
    fill("f-room", Desk.conf.rooms.map(function (r) { return r.id; }), function (id) { return Desk.room[id].name; });
    document.getElementById("f-text").addEventListener("input", Desk.renderGrid);
    filtersFilled = true;
  }

  function fetchBlocked(id) {
    var day = Desk.day;
    blocked = {};
    return Desk.api("POST", "api/blocked", {session: id, day: day})  /* POST: an id may be long */
      .then(function (data) {
        if (dragging !== id || Desk.day !== day) { return; }
        data.cells.forEach(function (c) { blocked[c[0] + "|" + c[1]] = c[2]; });
        markBlocked();
      }).catch(Desk.fail);
  }

  function markBlocked() {
    document.querySelectorAll("#grid .cell:not(.closed)").forEach(function (cell) {
      var slot = Desk.slotAt(dragging, Desk.day, Number(cell.dataset.start));
      var rules = slot ? blocked[cell.dataset.room + "|" + slot.id] : null;
      cell.classList.toggle("blocked", !!rules);
      cell.title = rules ? Desk.t("breaks", {rules: rules.join(", ")}) : "";
    });
  }

  function startDrag(e, id) {
    dragging = id;
    e.dataTransfer.setData("text/plain", id);
    e.dataTransfer.effectAllowed = "move";
    setTimeout(function () { document.body.classList.add("dragging"); }, 0);
    fetchBlocked(id);
  }

  function endDrag() {
    dragging = null;
    document.body.classList.remove("dragging");
    document.querySelectorAll("#grid .cell:not(.closed)").forEach(function (c) { c.classList.remove("blocked", "over"); });
  }

  function dropOn(e, room, start) {
    var id = e.dataTransfer.getData("text/plain") || dragging;
    var slot = Desk.slotAt(id, Desk.day, start);
    endDrag();
    if (!id || !slot) { return; }
    var other = occupant(id, room, start);
    if (other) { Desk.swap(id, other); } else { Desk.move(id, room, slot.id); }
  }

  /* The session starting in `room` at `start` on the day shown (not `id` itself): a drop there swaps the two. */
  function occupant(id, room, start) {
    var found = null;
    Object.keys(Desk.state.places).forEach(function (sid) {
      var place = Desk.state.places[sid], slot = place ? Desk.slot[place[1]] : null;
      if (!found && sid !== id && slot && place[0] === room && slot.day === Desk.day && slot.start === start) {
        found = sid;
      }
    });
    return found;
  }

  Desk.swap = function (id, other) {
    return Desk.api("POST", "api/swap", {session: id, other: other}).then(function (data) {
      Desk.showChange(id, data.change, other);
    }).catch(Desk.fail);
  };

  Desk.move = function (id, room, slot) {
    return Desk.api("POST", "api/move", {session: id, room: room, slot: slot}).then(function (data) {
      Desk.showChange(id, data.change);
    }).catch(Desk.fail);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var zone = document.getElementById("unscheduled");
    zone.addEventListener("dragover", function (e) { e.preventDefault(); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      var id = e.dataTransfer.getData("text/plain") || dragging;
      endDrag();
      if (id) { Desk.move(id, null, null); }
    });
  });

  Desk.onState.push(function () {
    if (!filtersFilled) { fillFilters(); renderDays(); }
    Desk.renderGrid();
  });
})();
