// 上报事件 and 登记走访: fill the hidden WGS-84 point from the phone's own positioning (browsers report
// WGS-84), so the hub places the event on its grid; without it, address and grid are asked for.
(function () {
  "use strict";
  var button = document.getElementById("locate-me");
  var status = document.getElementById("locate-status");
  if (!button) { return; }
  if (!navigator.geolocation) { button.hidden = true; return; }
  function say(t) { status.textContent = t; }
  if (document.getElementById("lat").value) { say("已定位"); }
  button.addEventListener("click", function () {
    say("正在定位…");
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lon").value = p.coords.longitude.toFixed(6);
      say("已定位：" + p.coords.latitude.toFixed(5) + "，" + p.coords.longitude.toFixed(5) +
        "（精度约 " + Math.round(p.coords.accuracy) + " 米）");
    }, function (e) {
      say("无法定位（" + e.message + "），" + (button.dataset.fallback || "请填写地址并选择网格"));
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
