/* salle serve: talking to the desk's server, and the page's shared state. Plain JavaScript, no library. */
"use strict";

var Desk = {
  id: document.querySelector('meta[name="salle-desk"]').content,
  csrf: document.querySelector('meta[name="salle-csrf"]').content,
  conf: null,        // rooms, slots, sessions, days (GET /api/conference)
  state: null,       // places, pins, score, rules, sentences (every answer carries it)
  day: null,         // the day shown
  slot: {}, room: {}, session: {},
  onState: [],       // functions called with each new state
  replanRunning: false,
  texts: {},         // the desk's texts in the conference's language (solver/serve/i18n.py)
};

/* The desk's text `key`, its {fields} filled from `values`. */
Desk.t = function (key, values) {
  var text = Desk.texts[key] !== undefined ? Desk.texts[key] : key;
  return text.replace(/\{(\w+)\}/g, function (all, name) {
    return values && values[name] !== undefined ? String(values[name]) : all;
  });
};

/* « jeudi 13 mai », "Thursday, May 13". */
Desk.dayLabel = function (day) { return (Desk.conf && Desk.conf.day_labels[day]) || day; };

Desk.api = function (method, path, body) {
  var headers = {"X-Salle-Desk": Desk.id};
  var options = {method: method, headers: headers, credentials: "same-origin"};
  if (method === "POST") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = Desk.csrf;
    options.body = JSON.stringify(body || {});
  }
  return fetch(path, options).then(function (response) {
    return response.json().catch(function () {
      return {error: Desk.t("no_message", {status: response.status})};
    }).then(function (data) {
      if (!response.ok) {
        var error = new Error(data.error || ("HTTP " + response.status));
        error.status = response.status;
        error.data = data;
        throw error;
      }
      if (data.state) { Desk.setState(data.state); }
      return data;
    });
  }, function () {
    throw new Error(Desk.t("unreachable"));
  });
};

Desk.setState = function (state) {
  Desk.state = state;
  Desk.onState.forEach(function (f) { f(state); });
};

Desk.say = function (text, bad) {
  var status = document.getElementById("status");
  status.textContent = text;
  status.className = bad ? "bad" : "";
};

Desk.fail = function (error) {
  if (error.status === 409) {  /* a refused save: why, what changed on disk, and the moves to redo */
    var box = document.getElementById("conflict"), data = error.data || {};
    box.textContent = "";
    box.appendChild(Desk.el("p", {}, error.message));
    var other = data.other;
    if (other) {
      var what = (other.at ? other.at + " · " : "") + (other.version ? Desk.t("version") + " " + other.version +
        " · " : "") + (other.moved && other.moved.length ? Desk.t("other_moved", {ids: other.moved.join(", ")})
        : Desk.t("other_none"));
      box.appendChild(Desk.el("p", {"class": "other-save"}, Desk.t("other_save", {what: what})));
    }
    if (data.refused && data.refused.length) {
      box.appendChild(Desk.el("p", {}, Desk.t("refused_moves")));
      var list = Desk.el("ul", {"class": "refused"});
      data.refused.forEach(function (m) {
        var s = Desk.session[m.session];
        list.appendChild(Desk.el("li", {"data-session": m.session}, m.session + (s ? " « " + s.title + " »" : "") +
          " → " + Desk.where(m.to)));
      });
      box.appendChild(list);
    }
    box.hidden = false;
  }
  Desk.say(error.message, true);
};

Desk.el = function (tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    if (k === "class") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
  });
  if (text !== undefined && text !== null) { node.textContent = text; }
  return node;
};

Desk.where = function (place) {
  if (!place) { return Desk.t("unscheduled_place"); }
  var room = Desk.room[place[0]], slot = Desk.slot[place[1]];
  return (room ? room.name : place[0]) + ", " + (slot ? Desk.dayLabel(slot.day) + " " + slot.label : place[1]);
};

/* The slot a drop at (day, start) means: the one of the session's current length when several start then. */
Desk.slotAt = function (sessionId, day, start) {
  var here = Desk.conf.slots.filter(function (s) { return s.day === day && s.start === start; });
  var place = Desk.state.places[sessionId], now = place ? Desk.slot[place[1]] : null;
  if (now) {
    var same = here.filter(function (s) { return s.end - s.start === now.end - now.start; });
    if (same.length) { return same[0]; }
  }
  return here[0];
};

Desk.start = function () {
  return Desk.api("GET", "api/conference").then(function (conf) {
    Desk.conf = conf;
    Desk.texts = conf.texts || {};
    conf.rooms.forEach(function (r) { Desk.room[r.id] = r; });
    conf.slots.forEach(function (s) { Desk.slot[s.id] = s; });
    conf.sessions.forEach(function (s) { Desk.session[s.id] = s; });
    Desk.day = conf.days[0];
    return Desk.api("GET", "api/state");
  }).then(function () {
    return Desk.api("GET", "api/draft");
  }).then(function (data) { Desk.offerDraft(data.draft); }).catch(Desk.fail);
};

/* Unsaved moves another tab (or a server now gone) left in the draft: restore them, or discard them. */
Desk.offerDraft = function (draft) {
  var box = document.getElementById("draft");
  box.hidden = !draft;
  if (!draft) { return; }
  document.getElementById("draft-text").textContent = Desk.t("draft_found", {when: draft.at.replace("T", " "),
    n: draft.moves, extra: draft.other_version ? Desk.t("draft_other") : ""}) + " ";
};

document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("draft-restore").addEventListener("click", function () {
    Desk.api("POST", "api/draft/restore", {}).then(function (data) {
      document.getElementById("draft").hidden = true;
      Desk.say(Desk.t("draft_restored", {n: data.restored}));
    }).catch(Desk.fail);
  });
  document.getElementById("draft-discard").addEventListener("click", function () {
    Desk.api("POST", "api/draft/discard", {}).then(function () {
      document.getElementById("draft").hidden = true;
      Desk.say(Desk.t("draft_discarded"));
    }).catch(Desk.fail);
  });
});

/* Leaving with unsaved moves (F5, closing the tab): the browser asks first (the draft keeps them anyway). */
window.addEventListener("beforeunload", function (e) {
  if (Desk.state && Desk.state.unsaved) {
    e.preventDefault();
    e.returnValue = Desk.t("leave");
    return Desk.t("leave");
  }
});

document.addEventListener("DOMContentLoaded", function () { Desk.start(); });

/* The tab goes (closed, reloaded, navigated away): stop its re-plan rather than leave it running. */
window.addEventListener("pagehide", function () {
  if (!Desk.replanRunning) { return; }
  fetch("api/replan/discard", {method: "POST", keepalive: true, credentials: "same-origin", body: "{}",
    headers: {"X-Salle-Desk": Desk.id, "X-CSRF-Token": Desk.csrf, "Content-Type": "application/json"}})
    .catch(function () {});
});
