# Times the dashboard's wall mode in headless Chromium: first contentful paint and the moment the
# charts are drawn (data-charts=drawn), over N loads, via chromedriver's WebDriver protocol.
import json, sys, time, urllib.request, subprocess
base, user, pw, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
drv = subprocess.Popen(["chromedriver", "--port=9515"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1)
def call(method, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:9515" + path, method=method,
        data=None if body is None else json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(req).read())["value"]
caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
    "args": ["--headless=new", "--no-sandbox", "--window-size=1920,1080", "--disable-gpu"]}}}}
sid = call("POST", "/session", caps)["sessionId"]
def js(script): return call("POST", f"/session/{sid}/execute/sync", {"script": script, "args": []})
try:
    call("POST", f"/session/{sid}/url", {"url": base + "/login"})
    js(f"document.querySelector('[name=username]').value={json.dumps(user)};"
       f"document.querySelector('[name=password]').value={json.dumps(pw)};"
       "document.querySelector('form[action=\"/login\"]').submit();")
    time.sleep(2)
    fcp, drawn = [], []
    for i in range(runs):
        call("POST", f"/session/{sid}/url", {"url": base + "/dashboard?wall=1"})
        for _ in range(200):
            t = js("var n=performance.getEntriesByName('first-contentful-paint')[0];"
                   "var d=document.getElementById('dashboard');"
                   "return [n?n.startTime:null, d&&d.dataset.charts==='drawn'?performance.now():null]")
            if t[0] is not None and t[1] is not None:
                break
            time.sleep(0.02)
        fcp.append(t[0]); drawn.append(t[1])
    fcp.sort(); drawn.sort()
    p = lambda xs, q: xs[min(len(xs)-1, int(q*len(xs)))]
    print(f"wall mode, {runs} loads: first contentful paint p50 {p(fcp,.5):.0f} ms, p95 {p(fcp,.95):.0f} ms; "
          f"charts drawn p50 {p(drawn,.5):.0f} ms, p95 {p(drawn,.95):.0f} ms")
finally:
    call("DELETE", f"/session/{sid}")
    drv.terminate()
