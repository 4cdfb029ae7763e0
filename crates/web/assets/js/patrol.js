// 我的巡逻 — the patroller's phone: starts a patrol with one of their teams, records the phone's
// positions (WGS-84 from the browser) and keeps them on the phone, sends them every 10 s in batches
// of at most 500, each with its own client_id kept with it until the hub has answered, so that a
// batch sent again after a lost answer or a spell without signal is taken once; checks in by QR
// code or by position; ends the patrol once everything is sent.
(function () {
  "use strict";
  var root = document.getElementById("patrol");
  if (!root) { return; }
  var KEY = "pingan.patrol";
  var state = JSON.parse(localStorage.getItem(KEY) || "null") ||
    { id: root.dataset.running ? Number(root.dataset.running) : null, queue: [], batch: null, sent: 0 };
  if (root.dataset.running && !state.id) { state.id = Number(root.dataset.running); }
  if (!root.dataset.running && state.id && !state.queue.length && !state.batch) { state.id = null; }
  var last = null;
  var watch = null;

  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }
  function $(id) { return document.getElementById(id); }
  function freshId(prefix) {
    if (window.crypto && crypto.randomUUID) { return prefix + crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function say() {
    var running = $("running"), start = $("start-form");
    if (running) { running.hidden = !state.id; }
    if (start) { start.hidden = !!state.id; }
    var waiting = state.queue.length + (state.batch ? state.batch.positions.length : 0);
    var out = $("outbox");
    if (out) { out.textContent = "已上传 " + state.sent + " 个位置" + (waiting ? "，手机上待上传 " + waiting + " 个（有信号时自动上传）" : ""); }
  }
  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { ok: res.ok, status: res.status, data: data }; });
    });
  }

  // Records one position (also the test's way in: window.pinganPatrolRecord).
  function record(lon, lat, at) {
    if (!state.id) { return; }
    last = { lon: lon, lat: lat };
    state.queue.push({ at: at || new Date().toISOString(), lon: lon, lat: lat });
    save();
    say();
  }

  var sending = false;
  function flush() {
    if (!state.id || sending) { return Promise.resolve(); }
    if (!state.batch && state.queue.length) {
      state.batch = { client_id: freshId("pb-"), positions: state.queue.splice(0, 500) };
      save();
    }
    if (!state.batch) { return Promise.resolve(); }
    sending = true;
    return post("/api/v1/patrols/" + state.id + "/positions", state.batch).then(function (r) {
      sending = false;
      if (r.ok || (r.status >= 400 && r.status < 500)) {
        if (r.ok) {
          state.sent += r.data.received || 0;
          if (r.data.covered && r.data.covered.length) { $("covered").textContent = "已覆盖：" + r.data.covered.join("、"); }
          var tasks = $("tasks");
          if (tasks && r.data.tasks) {
            tasks.hidden = !r.data.tasks.length;
            tasks.textContent = r.data.tasks.map(function (t) {
              return "指挥中心派您前往事件 " + t.event_id + (t.distance_m != null ? "，距您约 " + t.distance_m + " 米" : "") +
                "（" + t.lon.toFixed(5) + "," + t.lat.toFixed(5) + "）";
            }).join("；");
          }
        }
        state.batch = null;
        save();
        say();
        if (state.queue.length) { return flush(); }
      }
    }, function () { sending = false; say(); });
  }

  function follow() {
    if (!navigator.geolocation || watch !== null) { return; }
    watch = navigator.geolocation.watchPosition(function (p) {
      record(p.coords.longitude, p.coords.latitude, new Date(p.timestamp).toISOString());
    }, function () { $("patrol-status").textContent = "巡逻中（未能定位：请允许本页使用位置）"; },
    { enableHighAccuracy: true, maximumAge: 5000 });
  }

  var start = $("start-form");
  if (start) {
    start.addEventListener("submit", function (e) {
      e.preventDefault();
      var team = Number(new FormData(start).get("team_id"));
      post("/api/v1/patrols", { client_id: freshId("patrol-"), team_id: team }).then(function (r) {
        if (!r.ok) { alert(r.data.detail || "未能开始巡逻"); return; }
        state = { id: r.data.id, queue: [], batch: null, sent: 0 };
        save(); say(); follow();
      }, function () { alert("没有网络，暂时不能开始巡逻"); });
    });
  }
  var checkin = $("checkin-form");
  if (checkin) {
    checkin.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = new FormData(checkin);
      var body = { segment_id: Number(f.get("segment_id")) };
      if (f.get("code")) { body.code = String(f.get("code")).trim(); }
      if (last) { body.lon = last.lon; body.lat = last.lat; }
      post("/api/v1/patrols/" + state.id + "/checkins", body).then(function (r) {
        $("patrol-status").textContent = r.ok ? "已在“" + r.data.segment_name + "”签到" : (r.data.detail || "签到未成功");
      }, function () { $("patrol-status").textContent = "没有网络，签到未成功，请稍后再试"; });
    });
  }
  var end = $("end");
  if (end) {
    end.addEventListener("click", function () {
      flush().then(function () {
        if (state.queue.length || state.batch) { alert("还有位置未上传，请有信号时再结束"); return; }
        return post("/api/v1/patrols/" + state.id + "/end", {}).then(function (r) {
          if (!r.ok) { return; }
          if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
          state = { id: null, queue: [], batch: null, sent: 0 };
          save(); say();
          $("patrol-status").textContent = "巡逻已结束";
        });
      }, function () { alert("没有网络，请有信号时再结束"); });
    });
  }
  window.pinganPatrolRecord = record;
  window.pinganPatrolFlush = flush;
  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  if (state.id) { follow(); flush(); }
  say();
})();
