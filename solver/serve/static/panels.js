/* salle serve: the score, the judge's sentences, the rules panel, undo/redo, re-plan, save, the move dialog. */
"use strict";

(function () {
  var polling = null, dialogSession = null, shownRule = null;

  function stepName(label) { return Desk.t("step_" + label); }

  function sentenceItem(v, kind) {
    var li = Desk.el("li", {"class": kind + (v.hard ? " hard" : " soft")});
    li.appendChild(Desk.el("span", {"class": "rule"}, v.rule + (v.hard ? " (hard)" : "") + ": "));
    li.appendChild(document.createTextNode(v.message));
    return li;
  }

  Desk.showChange = function (id, change, other) {
    var news = document.getElementById("news");
    news.textContent = "";
    var d = change.delta, h = change.hard_delta;
    news.appendChild(Desk.el("h2", {}, other ? Desk.t("swapped", {a: id, b: other}) :
      Desk.t("moved", {id: id, where: Desk.where(Desk.state.places[id])})));
    news.appendChild(Desk.el("p", {"class": "delta"}, Desk.t("delta", {d: (d > 0 ? "+" : "") + d, total: change.total,
      h: (h > 0 ? "+" : "") + h, hard: change.hard})));
    if (change.by_rule && change.by_rule.length) {
      var rules = Desk.el("ul", {"class": "by-rule", "aria-label": Desk.t("by_rule")});
      change.by_rule.forEach(function (r) {
        rules.appendChild(Desk.el("li", {}, Desk.t("rule_change", {rule: r.rule, n: (r.amount > 0 ? "+" : "") + r.amount,
          unit: r.unit, d: (r.delta > 0 ? "+" : "") + r.delta})));
      });
      news.appendChild(rules);
    }
    var list = Desk.el("ul", {"class": "sentences"});
    change["new"].forEach(function (v) { list.appendChild(sentenceItem(v, "new")); });
    change.resolved.forEach(function (v) {
      var li = sentenceItem(v, "resolved");
      li.insertBefore(Desk.el("span", {"class": "tag"}, Desk.t("resolved")), li.firstChild);
      list.appendChild(li);
    });
    if (!change["new"].length && !change.resolved.length) {
      list.appendChild(Desk.el("li", {}, Desk.t("no_change")));
    }
    news.appendChild(list);
  };

  function renderScore(state) {
    document.getElementById("total").textContent = String(state.score.total);
    document.getElementById("hardcount").textContent = String(state.score.hard);
    document.getElementById("version").textContent = String(state.version);
    var undo = document.getElementById("undo"), redo = document.getElementById("redo");
    undo.disabled = !state.undo;
    redo.disabled = !state.redo;
    undo.title = state.undo ? Desk.t("undo_title", {step: stepName(state.undo)}) : Desk.t("nothing_undo");
    redo.title = state.redo ? Desk.t("redo_title", {step: stepName(state.redo)}) : Desk.t("nothing_redo");
    var hard = document.getElementById("hard-list");
    hard.textContent = "";
    hard.appendChild(Desk.el("h2", {}, state.hard.length ? Desk.t("hard_count", {n: state.hard.length})
                                                        : Desk.t("all_hard_met")));
    var list = Desk.el("ul", {"class": "sentences"});
    state.hard.slice(0, 200).forEach(function (v) { list.appendChild(sentenceItem(v, "hard")); });
    hard.appendChild(list);
  }

  function renderRules(state) {
    var body = document.querySelector("#rules tbody");
    var focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.rule : null;
    var focusKind = focused ? document.activeElement.tagName : null;
    body.textContent = "";
    state.rules.forEach(function (r) {
      var tr = Desk.el("tr", {"data-rule": r.rule, "class": r.mode});
      var name = Desk.el("td", {title: r.summary}, r.rule);
      if (state.changed_rules.indexOf(r.rule) >= 0) { name.appendChild(Desk.el("span", {"class": "tag"}, " *")); }
      tr.appendChild(name);
      var mode = Desk.el("select", {"aria-label": Desk.t("rule_mode", {rule: r.rule}), "data-rule": r.rule, "class": "mode"});
      r.modes.forEach(function (m) {
        var o = Desk.el("option", {value: m}, Desk.t("mode_" + m));
        if (m === r.mode) { o.selected = true; }
        mode.appendChild(o);
      });
      var weight = Desk.el("input", {type: "number", min: "0", max: "10000", value: String(r.weight),
        "aria-label": Desk.t("rule_weight", {rule: r.rule}), "data-rule": r.rule, "class": "weight"});
      function send() {
        Desk.api("POST", "api/rules", {rule: r.rule, mode: mode.value, weight: Number(weight.value)})
          .then(function (data) {
            Desk.say(Desk.t("rule_set", {rule: r.rule, mode: Desk.t("mode_" + mode.value), weight: weight.value,
                                         delta: (data.delta > 0 ? "+" : "") + data.delta}));
          }).catch(Desk.fail);
      }
      mode.addEventListener("change", send);
      weight.addEventListener("change", send);
      var td = Desk.el("td");
      td.appendChild(mode);
      tr.appendChild(td);
      td = Desk.el("td");
      td.appendChild(weight);
      tr.appendChild(td);
      var count = Desk.el("td", {title: r.unit});
      if (r.count) {
        var show = Desk.el("button", {type: "button", "class": "count", "aria-label": Desk.t("show_sentences",
          {rule: r.rule, n: r.count})}, String(r.count));
        show.addEventListener("click", function () { showSentences(r); });
        count.appendChild(show);
      } else {
        count.textContent = "0";
      }
      tr.appendChild(count);
      tr.appendChild(Desk.el("td", {"class": "penalty"}, r.mode === "soft" ? String(r.penalty) : "—"));
      body.appendChild(tr);
    });
    if (focused) {
      var again = body.querySelector((focusKind === "SELECT" ? "select" : "input") + '[data-rule="' + focused + '"]');
      if (again) { again.focus(); }
    }
  }

  function showSentences(r) {
    var box = document.getElementById("rule-sentences");
    shownRule = r.rule;
    box.textContent = "";
    box.hidden = false;
    box.appendChild(Desk.el("h2", {}, r.rule + ": " + r.count + " × " + r.unit + (r.mode === "soft" ?
      ", penalty " + r.penalty : "")));
    var list = Desk.el("ul", {"class": "sentences"});
    r.sentences.forEach(function (v) { list.appendChild(sentenceItem(v, v.hard ? "hard" : "soft")); });
    if (r.count > r.sentences.length) {
      list.appendChild(Desk.el("li", {}, Desk.t("more_sentences", {n: r.count - r.sentences.length})));
    }
    box.appendChild(list);
  }

  function renderReplan(run) {
    var panel = document.getElementById("replan-panel");
    Desk.replanRunning = !!(run && run.running);
    if (!run) { panel.hidden = true; return; }
    panel.hidden = false;
    var text = run.running ? Desk.t("replanning", {phase: run.phase, placed: run.placed, sessions: run.sessions,
      s: run.seconds}) : run.message;
    if (run.objective !== null) { text += " · " + Desk.t("best") + " " + run.objective; }
    if (run.bound !== null) { text += " · " + Desk.t("bound") + " " + Math.round(run.bound); }
    if (!run.running && run.score !== null) { text += " · " + Desk.t("score_after") + " " + run.score; }
    text += " · " + Desk.t("kept", {moved: (run.by_hand || []).length, pinned: (run.pinned || run.frozen).length});
    document.getElementById("replan-progress").textContent = text;
    var changes = document.getElementById("replan-changes");
    changes.textContent = "";
    run.changes.forEach(function (c) {
      var from = c.from ? [c.from.room, c.from.slot] : null, to = c.to ? [c.to.room, c.to.slot] : null;
      changes.appendChild(Desk.el("li", {"data-session": c.session}, c.session + " « " +
        (Desk.session[c.session] || {}).title + " »: " + Desk.where(from) + " → " + Desk.where(to)));
    });
    var findings = document.getElementById("replan-findings");
    findings.textContent = "";
    run.findings.forEach(function (f) {
      var li = Desk.el("li", {}, f.sentence + " ");
      if (f.rule && f.rule !== "all_scheduled") {
        ["soft", "off"].forEach(function (mode) {
          var b = Desk.el("button", {type: "button"}, Desk.t(mode === "soft" ? "make_soft" : "switch_off", {rule: f.rule}));
          b.addEventListener("click", function () {
            Desk.api("POST", "api/rules", {rule: f.rule, mode: mode}).then(function () {
              Desk.say(Desk.t("rule_now", {rule: f.rule, mode: Desk.t("mode_" + mode)}));
            }).catch(Desk.fail);
          });
          li.appendChild(b);
        });
      }
      f.sessions.forEach(function (id) {  // a frozen session it names: let the re-plan move it
        var b = Desk.el("button", {type: "button"}, Desk.t("let_move", {id: id}));
        b.addEventListener("click", function () {
          Desk.api("POST", "api/pin", {session: id, pinned: false}).then(function () {
            Desk.say(Desk.t("let_moved", {id: id}));
          }).catch(Desk.fail);
        });
        li.appendChild(b);
      });
      findings.appendChild(li);
    });
    document.getElementById("replan-accept").hidden = run.running || !run.changes.length && run.score === null;
    document.getElementById("replan-discard").textContent = Desk.t(run.running ? "stop_discard" : "discard");
  }

  function poll() {
    Desk.api("GET", "api/replan/status").then(function (data) {
      renderReplan(data.replan);
      if (data.replan && data.replan.running) { polling = setTimeout(poll, 400); } else { polling = null; }
    }).catch(Desk.fail);
  }

  function save(force) {
    Desk.api("POST", "api/save", {version: Desk.state.version, force: !!force}).then(function (data) {
      document.getElementById("conflict").hidden = true;
      Desk.say(data.message);
    }).catch(function (error) {
      if (error.status === 412 && window.confirm(error.message)) { save(true); return; }
      Desk.fail(error);
    });
  }

  /* The keyboard path: pick a room and a slot for the selected session. */
  Desk.openDialog = function (id) {
    dialogSession = id;
    var s = Desk.session[id], place = Desk.state.places[id];
    document.getElementById("move-title").textContent = Desk.t("move_title", {id: id});
    document.getElementById("move-what").textContent = Desk.t("move_what", {title: s.title, where: Desk.where(place)});
    var rooms = document.getElementById("move-room"), slots = document.getElementById("move-slot");
    rooms.textContent = "";
    slots.textContent = "";
    Desk.conf.rooms.forEach(function (r) {
      rooms.appendChild(Desk.el("option", {value: r.id}, Desk.t("room_option", {name: r.name, n: r.capacity})));
    });
    Desk.conf.slots.forEach(function (x) {
      slots.appendChild(Desk.el("option", {value: x.id}, Desk.dayLabel(x.day) + " " + x.label));
    });
    if (place) { rooms.value = place[0]; slots.value = place[1]; }
    document.getElementById("move-pin").textContent = Desk.t(Desk.state.pinned.indexOf(id) >= 0 ? "unpin" : "pin");
    warn();
    document.getElementById("move-dialog").showModal();
    rooms.focus();
  };

  function warn() {
    var room = document.getElementById("move-room").value, slot = document.getElementById("move-slot").value;
    var box = document.getElementById("move-warning");
    box.textContent = "";
    Desk.api("POST", "api/blocked", {session: dialogSession, room: room, slot: slot})
      .then(function (data) {
        var hit = data.cells[0];
        box.textContent = hit ? Desk.t("would_break", {rules: hit[2].join(", ")}) : Desk.t("no_hard_here");
        box.className = hit ? "bad" : "";
      }).catch(Desk.fail);
  }

  function closeDialog() {
    document.getElementById("move-dialog").close();
    var c = document.querySelector('.card[data-session="' + CSS.escape(dialogSession) + '"]');
    if (c) { c.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("undo").addEventListener("click", function () {
      Desk.api("POST", "api/undo", {}).then(function (d) { Desk.say(d.step ? Desk.t("undid", {step: stepName(d.step)}) : ""); })
        .catch(Desk.fail);
    });
    document.getElementById("redo").addEventListener("click", function () {
      Desk.api("POST", "api/redo", {}).then(function (d) { Desk.say(d.step ? Desk.t("redid", {step: stepName(d.step)}) : ""); })
        .catch(Desk.fail);
    });
    document.getElementById("save").addEventListener("click", function () { save(false); });
    document.getElementById("replan").addEventListener("click", function () {
      var limit = Number(document.getElementById("replan-limit").value) || 10;
      var stable = document.getElementById("replan-stable").checked;
      Desk.api("POST", "api/replan", {time_limit: limit, stability: stable}).then(function (data) {
        renderReplan(data.replan);
        if (!polling) { polling = setTimeout(poll, 300); }
      }).catch(Desk.fail);
    });
    document.getElementById("replan-accept").addEventListener("click", function () {
      Desk.api("POST", "api/replan/accept", {}).then(function () {
        renderReplan(null);
        Desk.say(Desk.t("accepted"));
      }).catch(Desk.fail);
    });
    document.getElementById("replan-discard").addEventListener("click", function () {
      Desk.api("POST", "api/replan/discard", {}).then(function () { renderReplan(null); }).catch(Desk.fail);
    });
    document.getElementById("move-room").addEventListener("change", warn);
    document.getElementById("move-slot").addEventListener("change", warn);
    document.getElementById("move-ok").addEventListener("click", function () {
      var id = dialogSession;
      Desk.move(id, document.getElementById("move-room").value, document.getElementById("move-slot").value)
        .then(closeDialog);
    });
    document.getElementById("move-unschedule").addEventListener("click", function () {
      Desk.move(dialogSession, null, null).then(closeDialog);
    });
    document.getElementById("move-pin").addEventListener("click", function () {
      var pinned = Desk.state.pinned.indexOf(dialogSession) >= 0;
      Desk.api("POST", "api/pin", {session: dialogSession, pinned: !pinned}).then(closeDialog).catch(Desk.fail);
    });
    document.getElementById("move-cancel").addEventListener("click", closeDialog);
    document.addEventListener("keydown", function (e) {
      if (!(e.ctrlKey || e.metaKey) || document.getElementById("move-dialog").open) { return; }
      if (e.key === "z" && !e.shiftKey) { e.preventDefault(); document.getElementById("undo").click(); }
      if (e.key === "y" || (e.key === "z" && e.shiftKey)) { e.preventDefault(); document.getElementById("redo").click(); }
    });
  });

  Desk.onState.push(function (state) {
    var banner = document.getElementById("inputs-changed");  /* the input files changed on disk */
    banner.textContent = state.inputs || "";
    banner.hidden = !state.inputs;
    renderScore(state);
    renderRules(state);
    if (state.replan) { renderReplan(state.replan); }
    var shown = state.rules.filter(function (r) { return r.rule === shownRule; })[0];
    if (shown) { showSentences(shown); }
  });
})();
