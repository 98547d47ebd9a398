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
};

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
      return {error: "the desk answered HTTP " + response.status + " without a message (is the server still running?)"};
    }).then(function (data) {
      if (!response.ok) {
        var error = new Error(data.error || ("HTTP " + response.status));
        error.status = response.status;
        throw error;
      }
      if (data.state) { Desk.setState(data.state); }
      return data;
    });
  }, function () {
    throw new Error("cannot reach salle serve (stopped?): start it again, then reload this page");
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
  if (error.status === 409) {
    var box = document.getElementById("conflict");
    box.textContent = error.message;
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
  if (!place) { return "unscheduled"; }
  var room = Desk.room[place[0]], slot = Desk.slot[place[1]];
  return (room ? room.name : place[0]) + ", " + (slot ? slot.day + " " + slot.label : place[1]);
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
    conf.rooms.forEach(function (r) { Desk.room[r.id] = r; });
    conf.slots.forEach(function (s) { Desk.slot[s.id] = s; });
    conf.sessions.forEach(function (s) { Desk.session[s.id] = s; });
    Desk.day = conf.days[0];
    return Desk.api("GET", "api/state");
  }).catch(Desk.fail);
};

document.addEventListener("DOMContentLoaded", function () { Desk.start(); });

/* The tab goes (closed, reloaded, navigated away): stop its re-plan rather than leave it running. */
window.addEventListener("pagehide", function () {
  if (!Desk.replanRunning) { return; }
  fetch("api/replan/discard", {method: "POST", keepalive: true, credentials: "same-origin", body: "{}",
    headers: {"X-Salle-Desk": Desk.id, "X-CSRF-Token": Desk.csrf, "Content-Type": "application/json"}})
    .catch(function () {});
});
